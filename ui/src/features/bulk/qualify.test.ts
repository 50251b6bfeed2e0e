import { describe, expect, it } from 'vitest';
import { emptyStats, qualify, statsOf } from './qualify';

const personal = (b: string) => b === 'Personal';

describe('qualify', () => {
  it('nothing selected: everything says so', () => {
    const v = qualify(emptyStats());
    expect(v.delete).toBe('Nothing is selected');
    expect(v.review.approve).toBe('Nothing is selected');
  });
  it('only approved work: no delete, no move, archive allowed', () => {
    const s = statsOf([{ status: 'approved', brand: 'Acme' }, { status: 'approved', brand: 'Acme' }], personal);
    const v = qualify(s);
    expect(v.delete).toMatch(/archive it first/);
    expect(v.moveProject).toMatch(/locked/);
    expect(v.moveBrand).toMatch(/locked/);
    expect(v.review.archive).toBe(null);
    expect(v.review.approve).toMatch(/in review/);
    expect(v.review.unarchive).toMatch(/archived/);
  });
  it('a mix qualifies when one asset does', () => {
    const s = statsOf([{ status: 'approved', brand: 'Acme' }, { status: 'draft', brand: 'Acme' }, { status: 'in_review', brand: 'Acme' }], personal);
    const v = qualify(s);
    expect(v.delete).toBe(null);
    expect(v.moveBrand).toBe(null);
    expect(v.review.submit).toBe(null);
    expect(v.review.approve).toBe(null);
    expect(v.review.revise).toMatch(/changes requested/);
  });
  it('Personal drafts skip review and join no campaign', () => {
    const s = statsOf([{ status: 'draft', brand: 'Personal' }], personal);
    const v = qualify(s);
    expect(v.review.submit).toMatch(/skip review/);
    expect(v.campaign).toMatch(/Personal/);
    expect(v.review.archive).toBe(null);
  });
  it('archived only', () => {
    const v = qualify(statsOf([{ status: 'archived', brand: 'Acme' }], personal));
    expect(v.review.archive).toMatch(/archived already/);
    expect(v.review.unarchive).toBe(null);
  });
});

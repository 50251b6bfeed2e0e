import { describe, expect, it } from 'vitest';
import type { StudioMember } from '../../lib/api/client';
import { candidates, matchPeople, personLabel } from './people';

const person = (display_name: string, email: string): StudioMember => ({
  id: `id-${email}` as StudioMember['id'],
  email,
  display_name,
  role: 'member',
});

const olive = person('Olive Owner', 'olive@studio.test');
const ana = person('Ana Lima', 'ana@studio.test');
const bo = person('Bo', 'bo@studio.test');
const zed = person('Zed Analyst', 'zed@studio.test');

describe('candidates', () => {
  it('leaves out the brand’s members (emails, whatever their case), by name', () => {
    const got = candidates([olive, zed, bo, ana], [{ user: 'Olive@Studio.test', role: 'manager' }]);
    expect(got.map((p) => p.email)).toEqual(['ana@studio.test', 'bo@studio.test', 'zed@studio.test']);
  });
});

describe('matchPeople', () => {
  const all = [ana, bo, olive, zed];
  it('offers everyone before anything is typed', () => {
    expect(matchPeople(all, '  ')).toEqual(all);
  });
  it('finds by name or email, those starting with it first', () => {
    expect(matchPeople(all, 'ana').map((p) => p.display_name)).toEqual(['Ana Lima', 'Zed Analyst']);
    expect(matchPeople(all, 'BO@').map((p) => p.display_name)).toEqual(['Bo']);
    expect(matchPeople(all, 'nobody')).toEqual([]);
  });
  it('offers everyone again while the field shows the person picked', () => {
    expect(matchPeople(all, personLabel(bo), bo.email)).toEqual(all);
    expect(matchPeople(all, personLabel(bo), '')).toEqual([bo]);
  });
});

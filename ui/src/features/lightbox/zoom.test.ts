import { describe, expect, it } from 'vitest';
import { clamp, fit, fitScale, isFit, orientedSize, toggleAt, wheelFactor, zoomAt } from './zoom';

const stage = { w: 1000, h: 800 };
const img = { w: 4000, h: 3000 };

describe('zoom', () => {
  it('fit centres and never enlarges small pictures', () => {
    const v = fit(stage, img);
    expect(v.s).toBeCloseTo(0.25);
    expect(v.x).toBeCloseTo(0);
    expect(v.y).toBeCloseTo((800 - 750) / 2);
    expect(fitScale(stage, { w: 200, h: 100 })).toBe(1);
  });
  it('zooming keeps the point under the pointer', () => {
    const v = fit(stage, img);
    const px = 300;
    const py = 400;
    const imgX = (px - v.x) / v.s;
    const imgY = (py - v.y) / v.s;
    const z = zoomAt(v, 1, px, py, stage, img);
    expect(z.s).toBe(1);
    expect((px - z.x) / z.s).toBeCloseTo(imgX);
    expect((py - z.y) / z.s).toBeCloseTo(imgY);
  });
  it('click toggles fit and 100 %', () => {
    const v = fit(stage, img);
    const z = toggleAt(v, 500, 400, stage, img);
    expect(z.s).toBe(1);
    expect(isFit(z, stage, img)).toBe(false);
    expect(isFit(toggleAt(z, 10, 10, stage, img), stage, img)).toBe(true);
  });
  it('pans stay within the picture', () => {
    const z = clamp({ s: 1, x: 500, y: -9999 }, stage, img);
    expect(z.x).toBe(0);
    expect(z.y).toBe(800 - 3000);
  });
  it('wheel: down zooms out, up zooms in', () => {
    expect(wheelFactor(100, 0)).toBeLessThan(1);
    expect(wheelFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelFactor(3, 1)).toBeCloseTo(wheelFactor(99, 0));
  });
  it('oriented size follows the preview’s orientation', () => {
    expect(orientedSize(4320, 3240, { w: 1536, h: 2048 })).toEqual({ w: 3240, h: 4320 });
    expect(orientedSize(4320, 3240, { w: 2048, h: 1536 })).toEqual({ w: 4320, h: 3240 });
    expect(orientedSize(4320, 3240, null)).toEqual({ w: 4320, h: 3240 });
  });
});

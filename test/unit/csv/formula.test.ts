import { describe, expect, it } from 'vitest';
import { neutraliseFormula, restoreFormula } from '../../../src/csv/index.ts';

describe('neutraliseFormula / restoreFormula', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1 555-0100', "'+1 555-0100"],
    ['@cmd', "'@cmd"],
    ['-x', "'-x"],
    ['\tfoo', "'\tfoo"],
    ['\rfoo', "'\rfoo"],
    ["'=x", "''=x"],
    ["''+1", "'''+1"],
    ['-500', '-500'],
    ['+42', '+42'],
    ['-3.25', '-3.25'],
    ['-3.', "'-3."],
    ['--5', "'--5"],
    ['-1e5', "'-1e5"],
    ['plain', 'plain'],
    ["'quoted", "'quoted"],
    ["it's", "it's"],
    ['', ''],
    [' =x', ' =x'],
    ['a=b', 'a=b'],
  ])('exports %j as %j and imports it back', (value, exported) => {
    expect(neutraliseFormula(value)).toBe(exported);
    expect(restoreFormula(exported)).toBe(value);
  });

  it('is a bijection on every string of up to 5 characters over the tricky alphabet', () => {
    const alphabet = ["'", '=', '+', '-', '@', '\t', '\r', '1', '.', 'a', ' '];
    let layer = [''];
    const all = [''];
    for (let length = 1; length <= 5; length += 1) {
      layer = layer.flatMap((prefix) => alphabet.map((ch) => prefix + ch));
      for (const value of layer) all.push(value);
    }
    const exported = new Set<string>();
    const notRestored: string[] = [];
    const unsafe: string[] = [];
    for (const value of all) {
      const cell = neutraliseFormula(value);
      if (restoreFormula(cell) !== value) notRestored.push(value);
      // Whatever the exporter writes is safe: a trigger character is either behind a quote or the cell is a number.
      if (/^[=+\-@\t\r]/.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell)) unsafe.push(cell);
      exported.add(cell);
    }
    expect(all.length).toBe(177_156);
    expect(notRestored).toEqual([]);
    expect(unsafe).toEqual([]);
    expect(exported.size).toBe(all.length);
  });

  it('removes only one quote per import', () => {
    expect(restoreFormula("'''=x")).toBe("''=x");
    expect(restoreFormula("'hello")).toBe("'hello");
  });
});

import { describe, expect, it } from 'vitest';

import { type DataSourceItem, filterDataSource, normalizeForSearch } from '#shared/publik/data-source.ts';

const items: DataSourceItem[] = [
  { id: '1', text: 'Société publique locale', places_left: 3 },
  { id: '10', text: 'Club  utilisateurs — 20 mars 2025', disabled: true },
  { id: '2', text: 'Cœur de ville' },
  { id: '3', text: 'Atelier : l’état civil' },
  { id: '4', text: 'SOCIETE ANONYME' },
];

const ids = (list: DataSourceItem[]): string[] => list.map((item) => item.id);

describe('normalizeForSearch', () => {
  it('folds case, accents, ligatures, apostrophes and spaces', () => {
    expect(normalizeForSearch('  Élodie   MÜLLER ')).toBe('elodie muller');
    expect(normalizeForSearch('Société')).toBe('societe');
    expect(normalizeForSearch('Cœur ÆTHER')).toBe('coeur aether');
    expect(normalizeForSearch('l’état\tcivil')).toBe("l'etat civil");
    expect(normalizeForSearch('Ç à ê ï ô ù')).toBe('c a e i o u');
  });
});

describe('filterDataSource', () => {
  it('finds text ignoring case and accents, keeping order', () => {
    expect(ids(filterDataSource(items, { q: 'societe' }))).toEqual(['1', '4']);
    expect(ids(filterDataSource(items, { q: 'SOCIÉTÉ' }))).toEqual(['1', '4']);
    expect(ids(filterDataSource(items, { q: 'coeur' }))).toEqual(['2']);
    expect(ids(filterDataSource(items, { q: "l'etat" }))).toEqual(['3']);
  });

  it('collapses spaces on both sides', () => {
    expect(ids(filterDataSource(items, { q: 'club utilisateurs' }))).toEqual(['10']);
    expect(ids(filterDataSource(items, { q: '  club    utilisateurs ' }))).toEqual(['10']);
  });

  it('keeps disabled items (w.c.s. greys or hides them itself)', () => {
    expect(filterDataSource(items, { q: 'club' })[0]?.disabled).toBe(true);
  });

  it('selects by exact id', () => {
    expect(ids(filterDataSource(items, { id: '1' }))).toEqual(['1']);
    expect(ids(filterDataSource(items, { id: '10' }))).toEqual(['10']);
    expect(filterDataSource(items, { id: 'societe' })).toEqual([]);
    expect(filterDataSource(items, { id: ' 1' })).toEqual([]);
  });

  it('applies id and q together', () => {
    expect(ids(filterDataSource(items, { id: '4', q: 'anonyme' }))).toEqual(['4']);
    expect(filterDataSource(items, { id: '4', q: 'publique' })).toEqual([]);
  });

  it('ignores an empty q and returns everything without parameters', () => {
    expect(ids(filterDataSource(items, { q: '' }))).toEqual(ids(items));
    expect(ids(filterDataSource(items, { q: '   ' }))).toEqual(ids(items));
    expect(ids(filterDataSource(items, {}))).toEqual(ids(items));
  });

  it('returns the same item objects with their extra keys', () => {
    const [first] = filterDataSource(items, { q: 'publique' });
    expect(first).toBe(items[0]);
    expect(first?.['places_left']).toBe(3);
  });
});

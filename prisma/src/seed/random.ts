/** A small seeded PRNG (mulberry32) so demo data and test fixtures are the same on every machine. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    digits: (length: number) => Array.from({ length }, () => Math.floor(next() * 10)).join(""),
    /** picks a key with probability proportional to its weight */
    weighted: <K extends string>(weights: Record<K, number>): K => {
      const entries = Object.entries(weights) as [K, number][];
      let roll = next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return entries[entries.length - 1]?.[0] as K;
    },
  };
}
export type Random = ReturnType<typeof createRandom>;

export const LAST_NAMES = [
  "Martin",
  "Bernard",
  "Dubois",
  "Thomas",
  "Robert",
  "Richard",
  "Petit",
  "Durand",
  "Leroy",
  "Moreau",
  "Simon",
  "Laurent",
  "Lefèvre",
  "Michel",
  "Garcia",
  "David",
  "Bertrand",
  "Roux",
  "Vincent",
  "Fournier",
  "Morel",
  "Girard",
  "André",
  "Lefebvre",
  "Mercier",
  "Dupont",
  "Lambert",
  "Bonnet",
  "François",
  "Martinez",
  "Légaré",
  "Castaing",
  "Bousquet",
  "Fabre",
  "Séguy",
  "Cazals",
  "Rouquette",
  "Azéma",
  "Delmas",
  "Carrère",
];
export const FIRST_NAMES = [
  "Marie",
  "Jean",
  "Pierre",
  "Michel",
  "André",
  "Philippe",
  "Nathalie",
  "Isabelle",
  "Sylvie",
  "Catherine",
  "Élodie",
  "Jérôme",
  "Hélène",
  "Stéphane",
  "Céline",
  "Frédéric",
  "Amélie",
  "Grégory",
  "Chloé",
  "Léa",
  "Benoît",
  "Josiane",
  "Noël",
  "Anaïs",
  "Raphaël",
  "Zoé",
  "Thérèse",
  "Loïc",
  "Maëlle",
  "Françoise",
];
/** TRE_G15-ProfessionSante codes used by the demo. */
export const PROFESSIONS = ["10", "21", "40", "50", "60"] as const;

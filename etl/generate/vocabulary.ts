// The words the catalogue is built from: the top categories with their sub-categories, seasons, typical
// prices and related categories (the complements a session wanders into), plus name and attribute words.
import type { Season } from './seasonality';

export interface TopSpec {
  name: string;
  /** Level-2 categories; a season given here overrides the top's for that branch. */
  mids: readonly (string | [string, Season])[];
  season: Season;
  /** Typical price in EUR of an item of this category (median of the log-normal before leaf and tier shifts). */
  price: number;
  /** Share of its products that are consumables, bought again and again. */
  consumable: number;
  /** Names of related top categories: complements come from here. */
  related: readonly string[];
}

export const TOPS: readonly TopSpec[] = [
  {
    name: 'Electronics',
    mids: ['Audio', 'Computers', 'Phones', 'Cameras', 'TV & Video'],
    season: 'none',
    price: 150,
    consumable: 0.02,
    related: ['Video Games', 'Office', 'Music & Instruments'],
  },
  {
    name: 'Fashion',
    mids: ['Womenswear', 'Menswear', ['Outerwear', 'winter'], ['Swimwear', 'summer'], 'Accessories'],
    season: 'none',
    price: 40,
    consumable: 0.02,
    related: ['Shoes', 'Jewelry & Watches', 'Beauty'],
  },
  {
    name: 'Shoes',
    mids: ['Sneakers', ['Boots', 'winter'], ['Sandals', 'summer'], 'Formal Shoes', 'Kids Shoes'],
    season: 'none',
    price: 70,
    consumable: 0.01,
    related: ['Fashion', 'Sports & Outdoors'],
  },
  {
    name: 'Home & Kitchen',
    mids: ['Cookware', 'Bedding', 'Furniture', 'Lighting', 'Storage'],
    season: 'none',
    price: 45,
    consumable: 0.08,
    related: ['Garden', 'Tools & DIY', 'Grocery'],
  },
  {
    name: 'Garden',
    mids: ['Plants & Seeds', 'Garden Tools', 'Outdoor Furniture', 'Grills', 'Pools'],
    season: 'summer',
    price: 50,
    consumable: 0.1,
    related: ['Home & Kitchen', 'Tools & DIY'],
  },
  {
    name: 'Sports & Outdoors',
    mids: ['Fitness', 'Cycling', ['Camping', 'summer'], ['Winter Sports', 'winter'], 'Team Sports'],
    season: 'none',
    price: 60,
    consumable: 0.05,
    related: ['Shoes', 'Health', 'Travel & Luggage'],
  },
  {
    name: 'Toys & Games',
    mids: ['Building Sets', 'Dolls', 'Board Games', 'Outdoor Toys', 'Puzzles'],
    season: 'december_gifts',
    price: 28,
    consumable: 0.01,
    related: ['Baby', 'Video Games', 'Books'],
  },
  {
    name: 'Beauty',
    mids: ['Skincare', 'Makeup', 'Haircare', ['Fragrance', 'december_gifts'], 'Bath & Body'],
    season: 'none',
    price: 22,
    consumable: 0.7,
    related: ['Health', 'Fashion', 'Jewelry & Watches'],
  },
  {
    name: 'Health',
    mids: ['Vitamins', 'Personal Care', 'First Aid', 'Oral Care', 'Wellness'],
    season: 'none',
    price: 15,
    consumable: 0.75,
    related: ['Beauty', 'Sports & Outdoors', 'Grocery'],
  },
  {
    name: 'Grocery',
    mids: ['Coffee & Tea', 'Snacks', 'Pantry', 'Beverages', 'Organic'],
    season: 'none',
    price: 6,
    consumable: 0.92,
    related: ['Home & Kitchen', 'Health', 'Pet Supplies'],
  },
  {
    name: 'Books',
    mids: ['Fiction', 'Non-Fiction', "Children's Books", ['Textbooks', 'back_to_school'], 'Comics'],
    season: 'none',
    price: 15,
    consumable: 0,
    related: ['Office', 'Toys & Games', 'Music & Instruments'],
  },
  {
    name: 'Baby',
    mids: ['Diapers', 'Baby Food', 'Strollers', 'Nursery', 'Baby Clothing'],
    season: 'none',
    price: 25,
    consumable: 0.55,
    related: ['Toys & Games', 'Health'],
  },
  {
    name: 'Pet Supplies',
    mids: ['Dog Food', 'Cat Food', 'Pet Toys', 'Aquarium', 'Pet Beds'],
    season: 'none',
    price: 18,
    consumable: 0.6,
    related: ['Grocery', 'Home & Kitchen'],
  },
  {
    name: 'Automotive',
    mids: ['Car Care', 'Car Electronics', ['Tires', 'winter'], 'Garage Equipment', 'Interior'],
    season: 'none',
    price: 40,
    consumable: 0.15,
    related: ['Tools & DIY', 'Electronics'],
  },
  {
    name: 'Office',
    mids: ['Stationery', 'School Bags', 'Office Furniture', 'Printers', 'Paper'],
    season: 'back_to_school',
    price: 20,
    consumable: 0.25,
    related: ['Electronics', 'Books'],
  },
  {
    name: 'Jewelry & Watches',
    mids: ['Watches', 'Necklaces', 'Rings', 'Earrings', 'Bracelets'],
    season: 'december_gifts',
    price: 90,
    consumable: 0,
    related: ['Fashion', 'Beauty'],
  },
  {
    name: 'Music & Instruments',
    mids: ['Guitars', 'Keyboards', 'Drums', 'DJ Gear', 'Sheet Music'],
    season: 'none',
    price: 110,
    consumable: 0.03,
    related: ['Electronics', 'Books'],
  },
  {
    name: 'Video Games',
    mids: ['Consoles', 'PC Games', 'Console Games', 'Gaming Accessories', 'VR'],
    season: 'none',
    price: 55,
    consumable: 0,
    related: ['Electronics', 'Toys & Games'],
  },
  {
    name: 'Tools & DIY',
    mids: ['Power Tools', 'Hand Tools', 'Paint', 'Hardware', 'Electrical'],
    season: 'none',
    price: 45,
    consumable: 0.1,
    related: ['Home & Kitchen', 'Garden', 'Automotive'],
  },
  {
    name: 'Travel & Luggage',
    mids: ['Suitcases', 'Backpacks', 'Travel Accessories', 'Duffel Bags', 'Travel Electronics'],
    season: 'summer',
    price: 70,
    consumable: 0.02,
    related: ['Fashion', 'Sports & Outdoors'],
  },
];

/** Qualifiers that turn a level-2 category into its leaves, with the log-price shift they carry. */
export const LEAF_QUALIFIERS: readonly [string, number][] = [
  ['Essential', -0.3],
  ['Premium', 0.5],
  ['Kids', -0.3],
  ['Compact', -0.1],
  ['Professional', 0.45],
  ['Eco', 0.1],
  ['Classic', 0],
  ['Outdoor', 0.05],
  ['Travel', -0.15],
  ['Smart', 0.3],
  ['Vintage', 0.15],
  ['Bundle', 0.2],
  ['Starter', -0.25],
  ['Limited', 0.35],
];

export const ATTRIBUTES = [
  'Compact',
  'Wireless',
  'Organic',
  'Classic',
  'Ultra',
  'Eco',
  'Smart',
  'Deluxe',
  'Portable',
  'Vintage',
  'Lightweight',
  'Heavy-Duty',
  'Slim',
  'Soft',
  'Waterproof',
  'Recycled',
  'Handmade',
  'Modular',
  'Quiet',
  'Rapid',
  'Nordic',
  'Urban',
  'Alpine',
  'Coastal',
  'Studio',
  'Active',
  'Everyday',
  'Signature',
  'Pure',
  'Fresh',
];

export const COLORS = [
  'black',
  'white',
  'grey',
  'navy',
  'red',
  'green',
  'sand',
  'olive',
  'teal',
  'rose',
  'amber',
  'silver',
];

export const TIER_WORDS = { budget: 'great-value', mid: 'dependable', premium: 'top-of-the-range' } as const;

export const SYLLABLES = [
  'ka',
  'lo',
  'ri',
  'ven',
  'tor',
  'mi',
  'sa',
  'no',
  'vik',
  'ar',
  'el',
  'de',
  'lux',
  'ta',
  'ro',
  'na',
  'fi',
  'zen',
  'bo',
  'qua',
  'mar',
  'lin',
  'sol',
  'ter',
  'ax',
  'io',
  'nor',
  'ble',
  'dan',
  'ki',
  'pe',
  'or',
  'us',
  'ly',
  'ma',
  'gro',
];

export const BRAND_SUFFIXES = ['', '', '', '', ' & Co', ' Labs', ' Works', ' Studio', ' Goods', ' Originals'];

export { REGIONS } from '../../core';
export const REGION_WEIGHTS = [0.08, 0.1, 0.2, 0.16, 0.13, 0.12, 0.13, 0.08];
/** Relative spending power by region: shifts brand tier and price-band preference. */
export const REGION_INCOME = [0.5, 0.35, 0.4, 0.15, -0.25, -0.1, 0.25, -0.45];

export const EMAIL_DOMAINS = [
  'gmail.com',
  'outlook.com',
  'yahoo.com',
  'icloud.com',
  'proton.me',
  'hotmail.com',
];
/** One local provider per region, used by a third of that region's users. */
export const REGION_EMAIL = [
  'telia.se',
  'ziggo.nl',
  'gmx.de',
  'orange.fr',
  'telefonica.es',
  'libero.it',
  'btinternet.com',
  'wp.pl',
];

export { GENDERS } from '../../core';
export const GENDER_WEIGHTS = [0.49, 0.47, 0.04];
/** Age bands (inclusive years) and their share of users. */
export const AGE_BANDS: readonly [number, number][] = [
  [18, 24],
  [25, 34],
  [35, 44],
  [45, 54],
  [55, 64],
  [65, 80],
];
export const AGE_WEIGHTS = [0.14, 0.25, 0.22, 0.18, 0.13, 0.08];
export { LOYALTY_TIERS } from '../../core';
export const TIERS = ['budget', 'mid', 'premium'] as const;
export const DEVICES = ['mobile', 'desktop', 'tablet'] as const;
export const CHANNELS = ['direct', 'search', 'social', 'email', 'ads'] as const;

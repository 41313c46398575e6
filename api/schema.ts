// The GraphQL schema (SDL). docs/api.md documents it with example queries.
export const typeDefs = /* GraphQL */ `
  "How an event or a recommendation relates to the shopper's intent."
  enum EventType {
    VIEW
    CART
    PURCHASE
  }
  enum Device {
    DESKTOP
    MOBILE
    TABLET
    APP
  }
  enum Page {
    HOME
    PRODUCT
    CART
    CATEGORY
    SEARCH
  }
  enum TrendWindow {
    DAY
    WEEK
    MONTH
  }
  "Where a recommended item came from."
  enum CandidateSource {
    EMBEDDING
    COPURCHASE
    COVIEW
    SESSION
    CATEGORY
    SEGMENT
    POPULAR
  }

  "The situation of the request: when (ISO 8601; defaults to now), on what device, on which page, which product is shown."
  input ContextInput {
    timestamp: String
    device: Device
    page: Page
    productId: ID
  }

  input RecFilter {
    "Only products in these categories (any level: a category matches its descendants)."
    categoryIds: [ID!]
    minPrice: Float
    maxPrice: Float
    inStockOnly: Boolean = true
    "Leave out products the user already bought, except consumables."
    excludePurchased: Boolean = true
  }

  input EventInput {
    "Unique per event (8-128 of [A-Za-z0-9:_.-]); a retried event with the same key is counted once."
    idempotencyKey: String!
    type: EventType!
    productId: ID!
    "The shop's user id; leave out for an anonymous session."
    userId: ID
    sessionId: ID
    "ISO 8601; defaults to the server's time; more than 5 minutes in the future is refused."
    timestamp: String
    quantity: Int
    price: Float
    "The recId of the recommendation that led to this event (attribution)."
    recId: String
  }

  type Query {
    """
    Personal recommendations for a user, a session, or both. Without either: season-aware popularity. Any key may
    ask for any user's recommendations, but explanations name the user's own events ("because you bought X")
    only to an admin key or with a shopperToken naming that user; otherwise those explanations say only which
    source matched (docs/privacy.md).
    """
    recommendations(
      userId: ID
      sessionId: ID
      context: ContextInput
      first: Int = 20
      filter: RecFilter
      explain: Boolean = false
      "A shopper token naming userId (docs/privacy.md): explanations may then name the user's events."
      shopperToken: String
    ): Recommendations!
    similarProducts(productId: ID!, first: Int = 10): SimilarProducts!
    trending(categoryId: ID, window: TrendWindow = WEEK, first: Int = 20): Trending!
    product(id: ID!): Product
    products(ids: [ID!]!): [Product]!
    """
    A shopper's account and history: personal data. Only to an admin key or with a shopperToken naming this user;
    any other caller (the storefront key, no key) gets a FORBIDDEN error. Null for an unknown or forgotten user.
    """
    user(id: ID!, shopperToken: String): User
    category(id: ID!): Category
    "Admin only: the model that serves."
    modelStatus: ModelStatus!
    "Admin only: every A/B experiment, oldest first (docs/experiments.md)."
    experiments: [Experiment!]!
  }

  type Mutation {
    "Record storefront events. Durable in Redis before this returns; written to Neo4j by the worker."
    trackEvents(events: [EventInput!]!): TrackResult!
    "Admin only: erase a shopper everywhere (graph, Redis, answers, later exports); docs/privacy.md."
    forgetUser(id: ID!): ForgetResult!
    "Admin only: a shopper token for userId (the shop's backend hands it to that shopper's browser)."
    shopperToken(userId: ID!, "At most PRIVACY_TOKEN_MAX_TTL_S (its default)." ttlSeconds: Int): ShopperToken!
    "Admin only: check the active model pointer now instead of at the next poll."
    reloadModel: ModelStatus!
    "Admin only: start an A/B experiment (refused while another one runs)."
    createExperiment(input: ExperimentInput!): Experiment!
    "Admin only: stop an experiment; its requests go back to the active model."
    stopExperiment(id: ID!): Experiment!
  }

  enum ExperimentUnit {
    USER
    SESSION
  }
  enum ExperimentStatus {
    RUNNING
    STOPPED
    PROMOTED
  }
  enum ExperimentSource {
    CONFIG
    ADMIN
    CANARY
  }
  input SourceWeightInput {
    source: CandidateSource!
    weight: Float!
  }
  input RankerInput {
    sourceWeights: [SourceWeightInput!]
    perCategoryCap: Int
  }
  input ExperimentVariantInput {
    "1-32 letters, digits, _ or -; the first variant is the control."
    name: String!
    "Share of the units; the weights sum to 1."
    weight: Float!
    "A model version from the registry; null: the active model."
    modelVersion: String
    ranker: RankerInput
  }
  input GuardrailsInput {
    maxP95LatencyMs: Float
    maxP95LatencyIncrease: Float
    minCoverageRatio: Float
  }
  input ExperimentInput {
    id: ID!
    description: String
    unit: ExperimentUnit = USER
    variants: [ExperimentVariantInput!]!
    guardrails: GuardrailsInput
  }
  type SourceWeight {
    source: CandidateSource!
    weight: Float!
  }
  type RankerSettings {
    sourceWeights: [SourceWeight!]!
    perCategoryCap: Int
  }
  type ExperimentVariant {
    name: String!
    weight: Float!
    modelVersion: String
    ranker: RankerSettings
  }
  type Guardrails {
    maxP95LatencyMs: Float
    maxP95LatencyIncrease: Float!
    minCoverageRatio: Float!
  }
  type Experiment {
    id: ID!
    description: String!
    unit: ExperimentUnit!
    status: ExperimentStatus!
    source: ExperimentSource!
    variants: [ExperimentVariant!]!
    guardrails: Guardrails!
    startedAt: String!
    stoppedAt: String
    promotedVariant: String
  }

  type Recommendations {
    "Quote it in trackEvents(recId) to attribute clicks and purchases to this result."
    recId: ID!
    modelVersion: String
    variant: String!
    "True when a source (Neo4j, Redis, the model) was unavailable and the result is partial."
    degraded: Boolean!
    degradedReasons: [String!]!
    cached: Boolean!
    "What ordered the items: trained (the model's tuned ranker, ranker.json; for a new user with no event, its cold-user scorer), session (the session model, for anonymous visitors and users newer than the model) or source-weights (fixed per-source weights)."
    ranker: String
    items: [RecItem!]!
  }
  type RecItem {
    product: Product!
    score: Float!
    sources: [CandidateSource!]!
    "Only with explain: true."
    explanation: [Explanation!]
  }
  type Explanation {
    source: CandidateSource!
    text: String!
    path: [PathStep!]!
  }
  "One step of an explanation path: a node, and the relationship that leads to the next step."
  type PathStep {
    kind: String!
    id: ID!
    name: String
    rel: String
  }
  type SimilarProducts {
    productId: ID!
    modelVersion: String
    degraded: Boolean!
    items: [SimilarItem!]!
  }
  type SimilarItem {
    product: Product!
    score: Float!
    source: CandidateSource!
  }
  type Trending {
    window: TrendWindow!
    categoryId: ID
    "The end of the window: now, or the latest event in the graph if that is older."
    anchor: String!
    items: [TrendingItem!]!
  }
  type TrendingItem {
    product: Product!
    score: Float!
  }
  type Product {
    id: ID!
    name: String
    description: String
    price: Float
    currency: String
    inStock: Boolean
    consumable: Boolean
    launchedAt: String
    category: Category
    brand: Brand
    "Products most often bought by the same customers."
    boughtTogether(first: Int = 5): [Product!]!
  }
  type Brand {
    id: ID!
    name: String
    tier: String
  }
  type Category {
    id: ID!
    name: String
    level: Int
    season: String
    parent: Category
    children: [Category!]!
    products(first: Int = 10): [Product!]!
  }
  type User {
    id: ID!
    region: String
    loyaltyTier: String
    ageBand: String
    anonymous: Boolean!
    recentEvents(first: Int = 10): [UserEvent!]!
  }
  type UserEvent {
    type: EventType!
    product: Product!
    timestamp: String!
    sessionId: ID
  }
  "What an erasure removed. The id itself is kept nowhere: the marker and the audit record hold subjectHash."
  type ForgetResult {
    subjectHash: String!
    "Whether the graph held the user."
    found: Boolean!
    at: String!
    users: Int!
    relationships: Int!
    events: Int!
    sessions: Int!
    anonymousUsers: Int!
    streamEntries: Int!
    "Per-shopper and per-session Redis keys (recent lists, generations, sequences, markers, exposures)."
    keys: Int!
    unitMemberships: Int!
    "Cached and pre-rendered recommendation answers (the whole result cache is dropped)."
    cacheEntries: Int!
  }
  type ShopperToken {
    userId: ID!
    token: String!
    expiresAt: String!
  }
  type TrackResult {
    accepted: Int!
    duplicates: Int!
    acceptedKeys: [String!]!
    duplicateKeys: [String!]!
  }
  type ModelStatus {
    phase: String!
    version: String
    loadedAt: String
    items: Int
    users: Int
    error: String
  }
`;

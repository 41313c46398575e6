// What a query may ask for, measured in time linear in its text.
//
// A fragment may be spread many times, and fragments spread each other: expanding every spread re-walks a
// fragment once per path to it, which doubles with each level of fragments spreading each other twice. So every
// walk here computes each fragment's figures once (relative to where it is spread) and multiplies at the spread.
//
// Two checks, both before anything that expands fragments:
// - `measureDocument`, right after parsing and before graphql-js validates: fragment cycles, depth, aliases and
//   field selections counted as if every spread were expanded. It needs no schema and no variables.
// - `queryCost`, once the operation and its variables are known: every field costs 1 (each alias is its own
//   resolver call, `__typename` and introspection included) times the sizes of the lists it sits in. A list
//   field's size is its `first` argument (capped at maxFirst: a larger `first` is refused by its own validation,
//   with a clearer message), or the number of its `ids`, or `defaultList` when it has none.
import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';

/** Lists without a `first`, and their largest size (explanations per item, steps per path). */
const FIXED_LIST: Record<string, number> = { explanation: 7, path: 5, degradedReasons: 1 };

/** Counts stop growing here: a count over any limit is refused, and sums must stay exact integers. */
const SATURATED = Number.MAX_SAFE_INTEGER;
const add = (a: number, b: number) => Math.min(SATURATED, a + b);
const times = (a: number, b: number) => Math.min(SATURATED, a * b);

export interface DocumentLimits {
  /** Fields inside fields below the root (the root fields are depth 0). */
  maxDepth: number;
  /** Aliased fields, counted once per time they are selected (every spread expanded). */
  maxAliases: number;
  /** Field selections, counted once per time they are selected (every spread expanded). */
  maxSelections: number;
}

/** Why a document is refused before validation. */
export interface DocumentRefusal {
  rule: 'FRAGMENT_CYCLE' | 'DEPTH' | 'ALIASES' | 'SELECTIONS';
  message: string;
}

export interface DocumentMeasure {
  /** The deepest operation's depth, and the largest operation's aliases and selections (spreads expanded). */
  depth: number;
  aliases: number;
  selections: number;
  /** Selection nodes looked at: at most the number in the document (each fragment is walked once). */
  visited: number;
}

/** A selection set's figures, relative to where it sits. */
interface SetFigures {
  depth: number;
  aliases: number;
  selections: number;
}

/**
 * Measure a parsed document; a refusal for a fragment cycle or a limit exceeded by any operation. Fragments that
 * are not defined count nothing here (validation names them).
 */
export function measureDocument(
  document: DocumentNode,
  limits: DocumentLimits,
): { ok: true; measure: DocumentMeasure } | { ok: false; refusal: DocumentRefusal } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d);
  }
  const done = new Map<string, SetFigures>();
  const inProgress: string[] = [];
  let visited = 0;

  const fragmentFigures = (name: string): SetFigures | DocumentRefusal => {
    const known = done.get(name);
    if (known) return known;
    const frag = fragments.get(name);
    if (!frag) return { depth: -1, aliases: 0, selections: 0 };
    const at = inProgress.indexOf(name);
    if (at >= 0) {
      const cycle = [...inProgress.slice(at), name].join(' → ');
      return { rule: 'FRAGMENT_CYCLE', message: `fragments must not spread themselves, but got: ${cycle}` };
    }
    inProgress.push(name);
    const figures = setFigures(frag.selectionSet);
    inProgress.pop();
    if ('rule' in figures) return figures;
    done.set(name, figures);
    return figures;
  };

  // depth: of the deepest field in the set, relative to the set (-1 for a set with no field).
  const setFigures = (set: SelectionSetNode): SetFigures | DocumentRefusal => {
    const out: SetFigures = { depth: -1, aliases: 0, selections: 0 };
    for (const sel of set.selections) {
      visited++;
      let inner: SetFigures | DocumentRefusal;
      if (sel.kind === Kind.FIELD) {
        inner = fieldFigures(sel);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        inner = setFigures(sel.selectionSet);
      } else {
        inner = fragmentFigures(sel.name.value);
      }
      if ('rule' in inner) return inner;
      out.depth = Math.max(out.depth, inner.depth);
      out.aliases = add(out.aliases, inner.aliases);
      out.selections = add(out.selections, inner.selections);
    }
    return out;
  };

  const fieldFigures = (field: FieldNode): SetFigures | DocumentRefusal => {
    const own = { depth: 0, aliases: field.alias ? 1 : 0, selections: 1 };
    if (!field.selectionSet) return own;
    const below = setFigures(field.selectionSet);
    if ('rule' in below) return below;
    return {
      depth: below.depth + 1,
      aliases: add(own.aliases, below.aliases),
      selections: add(own.selections, below.selections),
    };
  };

  const measure: DocumentMeasure = { depth: 0, aliases: 0, selections: 0, visited: 0 };
  // Every fragment is checked for cycles, spread or not (as validation does, but without expanding).
  for (const name of fragments.keys()) {
    const f = fragmentFigures(name);
    if ('rule' in f) return { ok: false, refusal: f };
  }
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const f = setFigures(d.selectionSet);
    if ('rule' in f) return { ok: false, refusal: f };
    const refusal = overLimits(f, limits);
    if (refusal) return { ok: false, refusal };
    measure.depth = Math.max(measure.depth, f.depth);
    measure.aliases = Math.max(measure.aliases, f.aliases);
    measure.selections = Math.max(measure.selections, f.selections);
  }
  measure.visited = visited;
  return { ok: true, measure };
}

function overLimits(f: SetFigures, limits: DocumentLimits): DocumentRefusal | null {
  if (f.depth > limits.maxDepth) {
    return {
      rule: 'DEPTH',
      message: `the query nests fields ${f.depth} deep below its root fields, but at most ${limits.maxDepth} is allowed`,
    };
  }
  if (f.aliases > limits.maxAliases) {
    return {
      rule: 'ALIASES',
      message: `the query selects ${count(f.aliases)} aliased fields (fragments expanded), but at most ${limits.maxAliases} are allowed`,
    };
  }
  if (f.selections > limits.maxSelections) {
    return {
      rule: 'SELECTIONS',
      message: `the query selects ${count(f.selections)} fields (fragments expanded), but at most ${limits.maxSelections} are allowed`,
    };
  }
  return null;
}

const count = (n: number) => (n >= SATURATED ? `more than ${SATURATED}` : String(n));

/** The field a selection names, introspection's meta-fields included (they resolve too). */
function fieldDef(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  maxFirst: number,
  defaultList = 20,
): number {
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;
  // A set's cost is linear in the multiplier it is walked with, so a fragment is walked once per page size
  // (the only other thing its cost depends on) with a multiplier of 1, and multiplied at each spread.
  const fragmentCosts = new Map<string, number>();
  const onStack = new Set<string>();

  const fragmentCost = (name: string, page: number): number => {
    const frag = fragments[name];
    if (!frag || onStack.has(name)) return 0; // validation refuses both, before this runs
    const key = `${name}\0${page}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const type = schema.getType(frag.typeCondition.name.value);
    onStack.add(name);
    const cost = type ? walk(frag.selectionSet, type as GraphQLCompositeType, 1, page) : 0;
    onStack.delete(name);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, mult: number, page: number): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        total = add(total, mult);
        const def = fieldDef(schema, parent, sel.name.value);
        if (!def) continue;
        let m = 1;
        let args: Record<string, unknown> = {};
        try {
          args = getArgumentValues(def, sel, variables);
        } catch {
          args = {};
        }
        const first =
          typeof args.first === 'number' && args.first > 0 ? Math.min(args.first, maxFirst) : undefined;
        if (isListType(getNullableType(def.type))) {
          const ids = Array.isArray(args.ids) ? args.ids.length : undefined;
          m = first ?? ids ?? FIXED_LIST[def.name] ?? (def.name === 'items' ? page : defaultList);
        }
        const named = getNamedType(def.type);
        if (sel.selectionSet && (isObjectType(named) || isInterfaceType(named))) {
          total = add(total, walk(sel.selectionSet, named, times(mult, m), first ?? page));
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition
          ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType | undefined)
          : parent;
        if (t) total = add(total, walk(sel.selectionSet, t, mult, page));
      } else {
        total = add(total, times(mult, fragmentCost(sel.name.value, page)));
      }
    }
    return total;
  };
  // A page's `items` are sized by the `first` of the field that holds them (recommendations(first: 20)).
  return walk(operation.selectionSet, root, 1, defaultList);
}

// Query cost: every field costs 1, times the sizes of the lists it sits in. A list field's size is its
// `first` argument (capped at maxFirst: a larger `first` is refused by its own validation, with a clearer
// message) or `defaultList` when it has none. Computed once the operation is resolved, with the variables.
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';

/** Lists without a `first`, and their largest size (explanations per item, steps per path). */
const FIXED_LIST: Record<string, number> = { explanation: 7, path: 5, degradedReasons: 1 };

export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  maxFirst: number,
  defaultList = 20,
): number {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, mult: number, page: number): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
        const def = parent.getFields()[sel.name.value];
        if (!def) continue;
        total += mult;
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
          total += walk(sel.selectionSet, named, mult * m, first ?? page);
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition
          ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType)
          : parent;
        total += walk(sel.selectionSet, t, mult, page);
      } else {
        const frag = fragments[sel.name.value];
        if (frag)
          total += walk(
            frag.selectionSet,
            schema.getType(frag.typeCondition.name.value) as GraphQLCompositeType,
            mult,
            page,
          );
      }
    }
    return total;
  };
  // A page's `items` are sized by the `first` of the field that holds them (recommendations(first: 20)).
  return walk(operation.selectionSet, root, 1, defaultList);
}

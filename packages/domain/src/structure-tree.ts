/** The structure tree (mother / daughter structures, any depth). Pure functions over parent links. */

export interface TreeNode {
  id: string;
  parentId: string | null;
}

export type ParentIndex = ReadonlyMap<string, string | null>;

export function indexParents(nodes: Iterable<TreeNode>): ParentIndex {
  const index = new Map<string, string | null>();
  for (const node of nodes) index.set(node.id, node.parentId);
  return index;
}

/** From the node's parent up to the root. Stops on a cycle rather than looping forever. */
export function ancestorsOf(id: string, parents: ParentIndex): string[] {
  const ancestors: string[] = [];
  const seen = new Set([id]);
  let current = parents.get(id) ?? null;
  while (current !== null && !seen.has(current)) {
    ancestors.push(current);
    seen.add(current);
    current = parents.get(current) ?? null;
  }
  return ancestors;
}

/** The node itself and every descendant, breadth first. */
export function subtreeOf(rootId: string, parents: ParentIndex): string[] {
  const children = new Map<string, string[]>();
  for (const [id, parentId] of parents) {
    if (parentId === null) continue;
    const siblings = children.get(parentId);
    if (siblings) siblings.push(id);
    else children.set(parentId, [id]);
  }
  const result: string[] = [];
  const seen = new Set<string>();
  const queue = [rootId];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(id);
    queue.push(...(children.get(id) ?? []));
  }
  return result;
}

/** Moving `id` under `newParentId` would make the tree a cycle (including onto itself). */
export function wouldCreateCycle(id: string, newParentId: string | null, parents: ParentIndex): boolean {
  if (newParentId === null) return false;
  return newParentId === id || ancestorsOf(newParentId, parents).includes(id);
}

/** Depth-first order with each node's depth, children sorted by the given key: how the picker shows the tree. */
export function flattenTree<T extends TreeNode>(
  nodes: readonly T[],
  sortKey: (node: T) => string,
): { node: T; depth: number }[] {
  const byParent = new Map<string | null, T[]>();
  const ids = new Set(nodes.map((node) => node.id));
  for (const node of nodes) {
    // A node whose parent is not in the list (out of the caller's scope) is shown as a root.
    const parentKey = node.parentId !== null && ids.has(node.parentId) ? node.parentId : null;
    const group = byParent.get(parentKey);
    if (group) group.push(node);
    else byParent.set(parentKey, [node]);
  }
  for (const group of byParent.values()) group.sort((a, b) => sortKey(a).localeCompare(sortKey(b), "fr"));
  const result: { node: T; depth: number }[] = [];
  const visit = (parentId: string | null, depth: number) => {
    for (const node of byParent.get(parentId) ?? []) {
      result.push({ node, depth });
      visit(node.id, depth + 1);
    }
  };
  visit(null, 0);
  return result;
}

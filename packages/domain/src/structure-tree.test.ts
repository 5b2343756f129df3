import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ancestorsOf, flattenTree, indexParents, subtreeOf, wouldCreateCycle } from "./structure-tree.ts";

// root ─┬─ group ─┬─ siteA
//       │         └─ siteB
//       └─ clinic
const nodes = [
  { id: "root", parentId: null, name: "GRADeS" },
  { id: "group", parentId: "root", name: "GHT" },
  { id: "siteA", parentId: "group", name: "Site A" },
  { id: "siteB", parentId: "group", name: "Site B" },
  { id: "clinic", parentId: "root", name: "Clinique" },
];
const parents = indexParents(nodes);

describe("structure tree", () => {
  it("lists ancestors from the parent up to the root", () => {
    expect(ancestorsOf("siteA", parents)).toEqual(["group", "root"]);
    expect(ancestorsOf("root", parents)).toEqual([]);
  });

  it("lists a subtree: the node and all its descendants", () => {
    expect(subtreeOf("group", parents).sort()).toEqual(["group", "siteA", "siteB"]);
    expect(subtreeOf("clinic", parents)).toEqual(["clinic"]);
    expect(subtreeOf("root", parents)).toHaveLength(5);
  });

  it("refuses moves that would create a cycle", () => {
    expect(wouldCreateCycle("group", "siteA", parents)).toBe(true);
    expect(wouldCreateCycle("group", "group", parents)).toBe(true);
    expect(wouldCreateCycle("siteA", "clinic", parents)).toBe(false);
    expect(wouldCreateCycle("group", null, parents)).toBe(false);
  });

  it("stops walking up a corrupted (cyclic) tree", () => {
    const cyclic = indexParents([
      { id: "a", parentId: "b" },
      { id: "b", parentId: "a" },
    ]);
    expect(ancestorsOf("a", cyclic)).toEqual(["b"]);
  });

  it("flattens depth first with sorted siblings, treating out-of-scope parents as roots", () => {
    const flat = flattenTree(nodes, (n) => n.name).map(({ node, depth }) => `${depth}:${node.id}`);
    expect(flat).toEqual(["0:root", "1:clinic", "1:group", "2:siteA", "2:siteB"]);
    const scoped = flattenTree(nodes.slice(1, 4), (n) => n.name).map(({ node, depth }) => `${depth}:${node.id}`);
    expect(scoped).toEqual(["0:group", "1:siteA", "1:siteB"]);
  });

  it("never lets a move create a cycle in a random tree (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(), (links, a, b) => {
        // node i's parent is a node with a smaller index: always a valid tree
        const tree = links.map((link, i) => ({ id: `n${i}`, parentId: i === 0 ? null : `n${link % i}` }));
        const index = indexParents(tree);
        const moved = `n${a % tree.length}`;
        const target = `n${b % tree.length}`;
        const next = new Map(index);
        if (!wouldCreateCycle(moved, target, index)) next.set(moved, target);
        // after any accepted move every node still reaches the root
        for (const node of tree) {
          const chain = ancestorsOf(node.id, next);
          const top = chain.at(-1) ?? node.id;
          expect(next.get(top)).toBeNull();
        }
      }),
    );
  });
});

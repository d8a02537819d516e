"""Three-valued evaluation of a criteria tree (pure, no database).

A criteria-set version is a forest of criteria; a criterion with parts joins them with EN
(`all`) or OF (`any`), and the version joins its top-level criteria with its own combinator.
Verdicts are given on leaves only: `meets`, `does_not_meet` or `unknown`. Inner nodes follow
strong Kleene logic, so an unknown part leaves a node unknown only when the known parts do not
already decide it:

- EN: does_not_meet if any part does not meet; otherwise unknown if any part is unknown;
  otherwise meets (an EN without parts meets).
- OF: meets if any part meets; otherwise unknown if any part is unknown; otherwise
  does_not_meet (an OF without parts does not meet).

Because every leaf occurs once in the tree, this equals asking "would every way of filling in
the unknown leaves give the same answer?"; the property tests check exactly that.

`Evaluation.blocking` names the parts that keep a node from being met, which is how the triage
page shows which part of the national multiproblem definition (a1 EN a2 EN a3, OF a4) fails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

MEETS = "meets"
DOES_NOT_MEET = "does_not_meet"
UNKNOWN = "unknown"
RESULTS = (MEETS, DOES_NOT_MEET, UNKNOWN)

ALL = "all"
ANY = "any"


def combine(combinator: str, results: Iterable[str]) -> str:
    """Join the results of a node's parts with EN (`all`) or OF (`any`)."""
    values = list(results)
    if combinator == ALL:
        if DOES_NOT_MEET in values:
            return DOES_NOT_MEET
        return UNKNOWN if UNKNOWN in values else MEETS
    if combinator == ANY:
        if MEETS in values:
            return MEETS
        return UNKNOWN if UNKNOWN in values else DOES_NOT_MEET
    raise ValueError(f"unknown combinator: {combinator!r}")


@dataclass(frozen=True)
class Node:
    """A criterion in the tree. `key` identifies it in the verdicts mapping (the criterion's
    primary key for stored criteria)."""

    key: int | str
    code: str
    label: str
    text: str = ""
    combinator: str = ""
    children: tuple[Node, ...] = ()
    revision: int = 0  # a stored criterion's revision, carried by the forms that change it

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> Iterator[Node]:
        """The leaves under (or being) this node, in tree order."""
        if self.is_leaf:
            yield self
            return
        for child in self.children:
            yield from child.leaves()


@dataclass(frozen=True)
class Evaluation:
    """The result of one node, with the evaluations of its parts."""

    node: Node
    result: str
    children: tuple[Evaluation, ...] = ()

    @property
    def is_met(self) -> bool:
        return self.result == MEETS

    @property
    def blocking(self) -> tuple[Evaluation, ...]:
        """The parts that keep this node from being met: for EN every part that is not met;
        for an OF that is not met, all its parts (none of them is met)."""
        if self.is_met:
            return ()
        return tuple(child for child in self.children if not child.is_met)

    def unmet_leaves(self) -> list[Evaluation]:
        """The leaves that make this node not met (empty when it is met), in tree order."""
        if self.is_met:
            return []
        if not self.children:
            return [self]
        leaves: list[Evaluation] = []
        for child in self.blocking:
            leaves.extend(child.unmet_leaves())
        return leaves

    def walk(self) -> Iterator[Evaluation]:
        """This evaluation and every evaluation below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def evaluate(node: Node, verdicts: Mapping[int | str, str]) -> Evaluation:
    """Evaluate a node. Leaves without a verdict (or with an unrecognised one) are unknown."""
    if node.is_leaf:
        verdict = verdicts.get(node.key, UNKNOWN)
        return Evaluation(node=node, result=verdict if verdict in RESULTS else UNKNOWN)
    children = tuple(evaluate(child, verdicts) for child in node.children)
    return Evaluation(
        node=node, result=combine(node.combinator or ALL, (c.result for c in children)), children=children
    )


def evaluate_version(roots: Iterable[Node], combinator: str, verdicts: Mapping[int | str, str]) -> Evaluation:
    """Evaluate a whole version: its top-level criteria joined by the version's combinator.
    The returned root is a virtual node with key "" and code ""."""
    root = Node(key="", code="", label="", combinator=combinator, children=tuple(roots))
    children = tuple(evaluate(child, verdicts) for child in root.children)
    return Evaluation(node=root, result=combine(combinator, (c.result for c in children)), children=children)


class CriterionLike(Protocol):
    pk: int
    parent_id: int | None
    code: str
    label: str
    text: str
    combinator: str
    position: int


def build_tree(criteria: Iterable[CriterionLike]) -> tuple[Node, ...]:
    """Turn stored criteria (one version's rows, in any order) into the forest of top-level
    nodes, children ordered by position then primary key."""
    rows = list(criteria)
    by_parent: dict[int | None, list[CriterionLike]] = defaultdict(list)
    for row in rows:
        by_parent[row.parent_id].append(row)

    def build(row: CriterionLike) -> Node:
        children = sorted(by_parent.get(row.pk, []), key=lambda r: (r.position, r.pk))
        return Node(
            key=row.pk,
            code=row.code,
            label=row.label,
            text=row.text,
            combinator=row.combinator,
            children=tuple(build(child) for child in children),
            revision=getattr(row, "revision", 0),
        )

    return tuple(build(row) for row in sorted(by_parent.get(None, []), key=lambda r: (r.position, r.pk)))


def leaves_of(roots: Iterable[Node]) -> list[Node]:
    """Every leaf of the forest, in tree order: the criteria that get a verdict."""
    return [leaf for root in roots for leaf in root.leaves()]

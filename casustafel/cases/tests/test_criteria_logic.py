"""The three-valued evaluation of criteria trees (pure; no database)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from casustafel.cases import criteria_logic as cl
from casustafel.cases.criteria_logic import ALL, ANY, DOES_NOT_MEET, MEETS, UNKNOWN, Node


def leaf(key: str) -> Node:
    return Node(key=key, code=key, label=key)


def multiproblem() -> Node:
    """a = OF( EN(a1, a2, a3), a4 ): the national multiproblem definition."""
    parts = Node(key="a1-a3", code="a1-a3", label="", combinator=ALL, children=(leaf("a1"), leaf("a2"), leaf("a3")))
    return Node(key="a", code="a", label="", combinator=ANY, children=(parts, leaf("a4")))


def test_and_needs_every_part():
    assert cl.combine(ALL, [MEETS, MEETS]) == MEETS
    assert cl.combine(ALL, [MEETS, DOES_NOT_MEET]) == DOES_NOT_MEET
    assert cl.combine(ALL, [MEETS, UNKNOWN]) == UNKNOWN


def test_and_is_decided_by_one_unmet_part_even_with_unknowns():
    assert cl.combine(ALL, [UNKNOWN, DOES_NOT_MEET]) == DOES_NOT_MEET


def test_or_is_decided_by_one_met_part_even_with_unknowns():
    assert cl.combine(ANY, [UNKNOWN, MEETS]) == MEETS
    assert cl.combine(ANY, [DOES_NOT_MEET, UNKNOWN]) == UNKNOWN
    assert cl.combine(ANY, [DOES_NOT_MEET, DOES_NOT_MEET]) == DOES_NOT_MEET


def test_empty_and_meets_and_empty_or_does_not():
    assert cl.combine(ALL, []) == MEETS
    assert cl.combine(ANY, []) == DOES_NOT_MEET


def test_unknown_combinator_is_refused():
    try:
        cl.combine("xor", [MEETS])
    except ValueError:
        return
    raise AssertionError("combine accepted an unknown combinator")


def test_multiproblem_met_by_the_three_parts_together():
    result = cl.evaluate(multiproblem(), {"a1": MEETS, "a2": MEETS, "a3": MEETS, "a4": DOES_NOT_MEET})
    assert result.result == MEETS


def test_multiproblem_met_by_area_safety_alone():
    result = cl.evaluate(multiproblem(), {"a1": DOES_NOT_MEET, "a4": MEETS})
    assert result.result == MEETS


def test_multiproblem_shows_which_part_is_unmet():
    result = cl.evaluate(multiproblem(), {"a1": MEETS, "a2": DOES_NOT_MEET, "a3": MEETS, "a4": DOES_NOT_MEET})
    assert result.result == DOES_NOT_MEET
    assert [child.node.code for child in result.blocking] == ["a1-a3", "a4"]
    parts = result.children[0]
    assert [child.node.code for child in parts.blocking] == ["a2"]
    assert [leaf.node.code for leaf in result.unmet_leaves()] == ["a2", "a4"]


def test_missing_verdicts_count_as_unknown():
    result = cl.evaluate(multiproblem(), {"a1": MEETS, "a2": MEETS})
    assert result.result == UNKNOWN
    assert [leaf.node.code for leaf in result.unmet_leaves()] == ["a3", "a4"]


def test_met_node_has_nothing_blocking():
    result = cl.evaluate(multiproblem(), {"a4": MEETS})
    assert result.blocking == ()
    assert result.unmet_leaves() == []


def test_version_joins_top_level_criteria_with_its_combinator():
    roots = (multiproblem(), leaf("b"), leaf("c"))
    verdicts = {"a4": MEETS, "b": MEETS, "c": DOES_NOT_MEET}
    assert cl.evaluate_version(roots, ALL, verdicts).result == DOES_NOT_MEET
    assert cl.evaluate_version(roots, ANY, verdicts).result == MEETS


@dataclass
class Row:
    pk: int
    parent_id: int | None
    code: str
    label: str = ""
    text: str = ""
    combinator: str = ""
    position: int = 0


def test_build_tree_nests_and_orders_by_position():
    rows = [
        Row(pk=5, parent_id=None, code="b", position=2),
        Row(pk=1, parent_id=None, code="a", combinator=ANY, position=1),
        Row(pk=3, parent_id=1, code="a4", position=2),
        Row(pk=2, parent_id=1, code="a1", position=1),
    ]
    roots = cl.build_tree(rows)
    assert [root.code for root in roots] == ["a", "b"]
    assert [child.code for child in roots[0].children] == ["a1", "a4"]
    assert [node.code for node in cl.leaves_of(roots)] == ["a1", "a4", "b"]


# --- Properties -------------------------------------------------------------------------------

results = st.sampled_from([MEETS, DOES_NOT_MEET, UNKNOWN])
definite = st.sampled_from([MEETS, DOES_NOT_MEET])


@st.composite
def trees(draw: st.DrawFn, depth: int = 3) -> Node:
    """A random tree whose leaves have distinct keys."""
    counter = itertools.count()

    def build(level: int) -> Node:
        if level == 0 or draw(st.booleans()):
            key = f"k{next(counter)}"
            return leaf(key)
        size = draw(st.integers(min_value=1, max_value=3))
        return Node(
            key=f"n{next(counter)}",
            code="",
            label="",
            combinator=draw(st.sampled_from([ALL, ANY])),
            children=tuple(build(level - 1) for _ in range(size)),
        )

    return build(depth)


@st.composite
def trees_with_verdicts(draw: st.DrawFn) -> tuple[Node, dict[str, str]]:
    tree = draw(trees())
    return tree, {str(node.key): draw(results) for node in tree.leaves()}


def classical(node: Node, verdicts: dict[str, str]) -> bool:
    if node.is_leaf:
        return verdicts[str(node.key)] == MEETS
    values = [classical(child, verdicts) for child in node.children]
    return all(values) if node.combinator == ALL else any(values)


@given(trees_with_verdicts())
def test_result_is_what_every_completion_of_the_unknowns_agrees_on(case):
    """Kleene logic on a tree where each leaf occurs once is exact: the result is definite
    exactly when every way of filling in the unknown leaves gives the same answer."""
    tree, verdicts = case
    unknown = [key for key, value in verdicts.items() if value == UNKNOWN]
    answers = set()
    for filling in itertools.product([MEETS, DOES_NOT_MEET], repeat=len(unknown)):
        completed = {**verdicts, **dict(zip(unknown, filling, strict=True))}
        answers.add(classical(tree, completed))
    expected = UNKNOWN if len(answers) == 2 else (MEETS if answers == {True} else DOES_NOT_MEET)
    assert cl.evaluate(tree, verdicts).result == expected


@given(trees_with_verdicts(), st.data())
def test_learning_an_unknown_never_overturns_a_definite_result(case, data):
    tree, verdicts = case
    before = cl.evaluate(tree, verdicts).result
    unknown = [key for key, value in verdicts.items() if value == UNKNOWN]
    if not unknown:
        return
    key = data.draw(st.sampled_from(unknown))
    after = cl.evaluate(tree, {**verdicts, key: data.draw(definite)}).result
    if before != UNKNOWN:
        assert after == before


@given(trees_with_verdicts())
def test_swapping_en_of_and_verdicts_swaps_the_result(case):
    """De Morgan duality: EN↔OF with meets↔does_not_meet turns every result into its dual."""
    tree, verdicts = case
    swap = {MEETS: DOES_NOT_MEET, DOES_NOT_MEET: MEETS, UNKNOWN: UNKNOWN}

    def dual(node: Node) -> Node:
        if node.is_leaf:
            return node
        return Node(
            key=node.key,
            code=node.code,
            label=node.label,
            combinator=ANY if node.combinator == ALL else ALL,
            children=tuple(dual(child) for child in node.children),
        )

    swapped = {key: swap[value] for key, value in verdicts.items()}
    assert cl.evaluate(dual(tree), swapped).result == swap[cl.evaluate(tree, verdicts).result]


@given(trees_with_verdicts())
def test_an_unmet_node_names_the_parts_and_leaves_that_make_it_so(case):
    tree, verdicts = case
    for evaluation in cl.evaluate(tree, verdicts).walk():
        if evaluation.is_met:
            continue
        leaves = evaluation.unmet_leaves()
        assert leaves and all(not leaf.is_met for leaf in leaves)
        if evaluation.children:
            assert evaluation.blocking and all(not part.is_met for part in evaluation.blocking)
            if evaluation.node.combinator == ANY:
                assert evaluation.blocking == evaluation.children

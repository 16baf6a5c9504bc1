from kenning.core.search.fusion import reciprocal_rank_fusion


def test_items_found_by_both_retrievers_rank_above_items_found_by_one() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "d", "a"]], k=60)
    order = [key for key, _ in fused]
    assert order[:2] == ["a", "c"]
    assert set(order) == {"a", "b", "c", "d"}


def test_weights_shift_the_balance() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], k=60, weights=[1.0, 2.0])
    assert fused[0][0] == "b"

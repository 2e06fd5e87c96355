"""Poll spacing of our modules' waits."""

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.waits import poll_delays


def test_delays_start_short_cap_and_add_up_to_the_timeout():
    delays = poll_delays(60)
    assert delays[:4] == [2, 4, 8, 15]
    assert max(delays) == 15
    assert sum(delays) == 60


def test_a_short_timeout_is_kept_exactly():
    assert poll_delays(5) == [2, 3]
    assert poll_delays(0) == []

# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""How our modules space the polls of a wait: pure, unit-tested."""


def poll_delays(timeout, first=2, longest=15):
    """Sleeps between polls: 2, 4, 8, 15, 15, ... seconds, together exactly ``timeout`` (the last shortened).

    Short at first, so that a resource that is ready within seconds (or a sandbox) costs seconds, and
    never longer than ``longest``, so that a resource that takes minutes is seen soon after it is ready.
    """
    delays, total, delay = [], 0, first
    while total < timeout:
        step = min(delay, timeout - total)
        delays.append(step)
        total += step
        delay = min(delay * 2, longest)
    return delays

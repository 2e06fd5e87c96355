"""mitogen's linear strategy from the pinned `mitogen` package (requirements.txt), found without a path into
the virtualenv: ansible.cfg names this directory in `strategy_plugins` and `strategy = mitogen_linear`.

One persistent Python interpreter per target runs every module in-process, so boto3 is imported once per
run instead of once per task. Turn it off for one run with ANSIBLE_STRATEGY=linear (docs/performance.md).
"""

from ansible_mitogen.plugins.strategy.mitogen_linear import StrategyModule

__all__ = ["StrategyModule"]

"""mitogen's free strategy from the pinned `mitogen` package (requirements.txt), for the plays that run
independent work on several hosts at once (playbooks/bootstrap.yml). Such a play picks it only while the
configured strategy is a mitogen one, so ANSIBLE_STRATEGY=linear turns mitogen off for them too.
"""

from ansible_mitogen.plugins.strategy.mitogen_free import StrategyModule

__all__ = ["StrategyModule"]

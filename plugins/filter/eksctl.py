# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters of the eks role's eksctl engine; the logic is in module_utils/eksctl_config.py."""

from ansible_collections.ecommerce_demo.platform.plugins.module_utils.eksctl_config import (
    eksctl_cluster_facts,
    eksctl_plan,
    support_period,
)


class FilterModule(object):
    def filters(self):
        return {
            "eksctl_plan": eksctl_plan,
            "eksctl_cluster_facts": eksctl_cluster_facts,
            "eks_support_period": support_period,
        }

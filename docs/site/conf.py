"""Sphinx configuration of the collection's docs site (`make docs`; antsibull-docs writes the pages).

Built offline and with warnings as errors: references into the Ansible docs resolve through the
inventory that ansible_inventory.py writes (make docs passes its path as ANSIBLE_DOCS_INVENTORY).
"""

from __future__ import annotations

import os

project = "ecommerce_demo.platform"
copyright = "ecommerce_demo.platform maintainers"
title = "ecommerce_demo.platform"
html_short_title = "ecommerce_demo.platform"

extensions = ["sphinx.ext.intersphinx", "sphinx_antsibull_ext"]
pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

intersphinx_mapping = {
    "ansible_devel": (
        "https://docs.ansible.com/projects/ansible/devel/",
        os.environ["ANSIBLE_DOCS_INVENTORY"],
    ),
}

default_role = "any"
nitpicky = True

"""secret_generation: generated values every consumer accepts, and documents planned without leaks."""

import itertools
import json
import string

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils import secret_generation as sg


@pytest.mark.parametrize("length", [8, 32, 128])
def test_rds_master_password_never_holds_a_refused_character(length):
    for _ in range(200):
        value = sg.generate("rds_master_password", length)
        assert len(value) == length
        assert not set(value) & set('/@" ')
        assert all(33 <= ord(c) <= 126 for c in value)


@pytest.mark.parametrize("length", [16, 64, 128])
def test_elasticache_auth_token_uses_only_what_elasticache_accepts(length):
    allowed = set(string.ascii_letters + string.digits + "!&#$^<>-")
    for _ in range(200):
        value = sg.generate("elasticache_auth_token", length)
        assert len(value) == length
        assert set(value) <= allowed
        assert not set(value) & set('@"/')


def test_every_profile_refuses_the_characters_both_consumers_refuse():
    for profile in sg.PROFILES:
        assert not set(sg.alphabet(profile)) & set(sg.FORBIDDEN_EVERYWHERE)


def test_generated_values_mix_character_classes():
    value = sg.generate("rds_master_password", 8)
    assert any(c.islower() for c in value)
    assert any(c.isupper() for c in value)
    assert any(c.isdigit() for c in value)
    assert any(not c.isalnum() for c in value)
    assert sg.generate("alphanumeric", 40).isalnum()
    assert sg.generate("rds_master_password", 40, punctuation=False).isalnum()


def test_generation_retries_until_every_class_is_present():
    # A chooser that first yields only lowercase letters, then a fixed mixed sequence.
    picks = itertools.chain(["a"] * 16, itertools.cycle(["a", "B", "3", "!"]))
    value = sg.generate("elasticache_auth_token", 16, choice=lambda _chars: next(picks))
    assert value == "aB3!" * 4


def test_generated_values_differ():
    assert len({sg.generate("elasticache_auth_token", 32) for _ in range(50)}) == 50


@pytest.mark.parametrize(
    ("profile", "length", "ok"),
    [
        ("elasticache_auth_token", 10, False),
        ("elasticache_auth_token", 15, False),
        ("elasticache_auth_token", 16, True),
        ("elasticache_auth_token", 128, True),
        ("elasticache_auth_token", 129, False),
        ("rds_master_password", 7, False),
        ("rds_master_password", 8, True),
        ("rds_master_password", 129, False),
    ],
)
def test_length_bounds(profile, length, ok):
    error = sg.length_error(profile, length)
    assert (error is None) is ok
    if not ok:
        assert str(length) in error
        with pytest.raises(ValueError, match="characters long"):
            sg.generate(profile, length)


def test_is_acceptable():
    assert sg.is_acceptable("elasticache_auth_token", "A" * 16)
    assert not sg.is_acceptable("elasticache_auth_token", "A" * 15 + "@")
    assert not sg.is_acceptable("rds_master_password", "abc def gh")
    assert not sg.is_acceptable("rds_master_password", "abc!defgh", punctuation=False)


def fixed(value="s3cret-Value"):
    calls = []

    def make():
        calls.append(1)
        return value

    return make, calls


def test_plan_new_document_generates_the_value_and_sets_fields():
    make, calls = fixed()
    document, changed = sg.plan_document(None, "password", {"username": "app", "port": None}, False, make)
    assert document == {"password": "s3cret-Value", "username": "app"}
    assert changed == ["password", "username"]
    assert calls == [1]


def test_plan_fills_connection_fields_without_touching_the_value():
    make, calls = fixed()
    current = {"password": "old", "username": "app", "dbname": "shop"}
    document, changed = sg.plan_document(
        current, "password", {"host": "db.example", "port": 5432}, False, make
    )
    assert document == {**current, "host": "db.example", "port": 5432}
    assert changed == ["host", "port"]
    assert calls == []


def test_plan_of_a_converged_document_changes_nothing_and_keeps_unlisted_fields():
    make, calls = fixed()
    current = {"password": "old", "username": "app", "host": "h", "port": 5432}
    document, changed = sg.plan_document(current, "password", {"username": "app", "host": None}, False, make)
    assert document == current
    assert changed == []
    assert calls == []


def test_plan_rotates_only_when_asked():
    make, calls = fixed("new")
    document, changed = sg.plan_document({"password": "old", "port": 1}, "password", {}, True, make)
    assert document == {"password": "new", "port": 1}
    assert changed == ["password"]
    assert calls == [1]


def test_plan_generates_a_value_missing_from_an_existing_document():
    make, _ = fixed("new")
    document, changed = sg.plan_document({"host": "h"}, "auth_token", {}, False, make)
    assert document == {"auth_token": "new", "host": "h"}
    assert changed == ["auth_token"]


def test_fields_cannot_set_the_secret_key():
    make, _ = fixed()
    with pytest.raises(ValueError, match="password"):
        sg.plan_document(None, "password", {"password": "chosen"}, False, make)


def test_render_is_canonical_and_parse_accepts_objects_only():
    assert sg.render_document({"b": 1, "a": "x"}) == '{"a":"x","b":1}'
    assert sg.parse_document('{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError, match="JSON object"):
        sg.parse_document('"just a string"')
    with pytest.raises(ValueError, match="Expecting value"):
        sg.parse_document("not json")


def test_diff_view_shows_keys_never_values():
    document = {"password": "s3cret-Value", "host": "db.internal", "port": 5432}
    view = sg.diff_view(document, ["host"])
    assert sorted(view) == ["host", "password", "port"]
    assert "s3cret-Value" not in json.dumps(view)
    assert "db.internal" not in json.dumps(view)
    assert view["host"] == sg.CHANGED
    assert view["password"] == sg.HIDDEN
    assert sg.diff_view(None) == {}

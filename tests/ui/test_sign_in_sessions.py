"""The registry of sign-in tokens that lets a reload resume a session (ui/sign_in_sessions.py).

Times are seconds on a made-up clock: the registry is built with 30 idle minutes (1,800 s) and
12 hours in all (43,200 s), the dashboard's defaults.
"""

from __future__ import annotations

import pytest

from ui.sign_in_sessions import COOKIE_NAME, Resumed, SessionRegistry, clear_cookie_script, set_cookie_script

IDLE, MAX = 1_800, 43_200


def fingerprints(**by_user):
    return lambda username: by_user.get(username)


@pytest.fixture
def registry():
    return SessionRegistry(IDLE, MAX)


def test_a_token_resumes_its_user_with_the_original_sign_in_time(registry):
    token = registry.start("leader_b", "fp1", now=1_000)
    assert registry.resume(token, fingerprints(leader_b="fp1"), now=1_500) == Resumed("leader_b", 1_000)
    assert registry.resume("not-a-token", fingerprints(leader_b="fp1"), now=1_500) is None
    assert registry.resume(None, fingerprints(leader_b="fp1"), now=1_500) is None


def test_only_the_tokens_digest_is_kept(registry):
    token = registry.start("admin", "fp", now=0)
    assert token not in repr(registry._entries) and len(token) >= 43     # 32 random bytes, base64


def test_a_token_idle_longer_than_the_limit_is_gone_and_activity_keeps_it(registry):
    token = registry.start("admin", "fp", now=0)
    assert registry.touch(token, now=1_700)                   # a click at 28 min 20 s
    assert registry.resume(token, fingerprints(admin="fp"), now=1_700 + IDLE) is not None   # exactly 30 min later
    assert registry.resume(token, fingerprints(admin="fp"), now=1_700 + IDLE + 1) is None
    assert not registry.touch(token, now=1_700 + IDLE + 2)    # and it stays gone


def test_a_token_ends_after_the_maximum_however_active(registry):
    token = registry.start("admin", "fp", now=0)
    for minute in range(0, MAX // 60, 20):                    # a click every 20 minutes for 12 hours
        assert registry.touch(token, now=minute * 60)
    assert registry.resume(token, fingerprints(admin="fp"), now=MAX) is not None
    assert registry.resume(token, fingerprints(admin="fp"), now=MAX + 1) is None


def test_signing_out_ends_the_token_for_every_tab_that_shares_it(registry):
    token = registry.start("admin", "fp", now=0)
    registry.end(token)
    assert not registry.touch(token, now=10)
    assert registry.resume(token, fingerprints(admin="fp"), now=10) is None
    assert registry.touch(None, now=10)                       # a session without a token has nothing to lose


def test_a_new_password_or_a_disabled_account_ends_the_token(registry):
    token = registry.start("admin", "fp-old", now=0)
    assert registry.resume(token, fingerprints(admin="fp-new"), now=10) is None
    assert registry.resume(token, fingerprints(admin="fp-old"), now=20) is None      # ended, not just refused once
    other = registry.start("cons_b", "fp", now=0)
    assert registry.resume(other, fingerprints(), now=10) is None                    # disabled / deleted: None


def test_starting_a_session_sweeps_the_expired_ones(registry):
    registry.start("a", "fp", now=0)
    registry.start("b", "fp", now=0)
    assert len(registry) == 2
    registry.start("c", "fp", now=IDLE + 1)                   # a and b idle since 0
    assert len(registry) == 1


def test_the_cookie_scripts_set_and_clear_only_this_cookie():
    script = set_cookie_script("AbC-_9", 43_200)
    assert f"{COOKIE_NAME}=AbC-_9; Path=/; Max-Age=43200; SameSite=Strict" in script
    assert "'; Secure'" in script                              # over https only
    assert f"{COOKIE_NAME}=; Path=/; Max-Age=0" in clear_cookie_script()
    with pytest.raises(ValueError):
        set_cookie_script("x'; alert(1); '", 60)              # never text that could leave the string

"""Cache tags: what every cached response and derived value depends on, and how a change
reaches them.

Below ``api/`` and ``blog/`` (it imports neither): the API response cache, listing
fragments, counts, search rankings and the SEO surfaces (sitemap, feeds, robots.txt) all
key their entries on the tokens of the tags they depend on, and a committed change replaces
exactly the tokens of the tags it affects.

- ``cachetags.vocabulary``: tag names, the tags an API path depends on, the ``Cache-Tag``
  header value (short, bounded, safe for a CDN).
- ``cachetags.tokens``: one generation token per tag in Redis; replacing a token makes
  every entry keyed on the old one unreachable.
- ``cachetags.memo``: values derived from tagged data, kept under the tags' tokens.
- ``cachetags.epoch``: the change epoch, replaced in every change's transaction; it says
  whether a copy a process kept is current after Redis lost the tokens.
- ``cachetags.local``: copies kept in the process besides Redis, within a budget of bytes.
- ``cachetags.commit``: invalidation after the change's transaction commits, and the
  signals other apps use to follow changes (the outbox enqueues its events there).
- ``cachetags.store``: the cache alias and the circuit breaker that keeps Redis optional.
"""

-- append_group (V2) re-planned one of its statements on every call: PL/pgSQL makes a custom plan
-- for each of the first five executions of a statement, then keeps a generic plan only if its
-- estimated cost is close to theirs, and for the read of the group's streams (an unnest of array
-- parameters joined to streams) it never was, so every group paid for planning that statement
-- again (about 80 µs of a lone append's server time; see docs/eventstore-postgres.md). Every plan
-- of the function is a few index look-ups whatever the parameters (the settings below rule out
-- anything else), so it now always keeps the generic plans. Nothing stored changes.
ALTER FUNCTION append_group(text[], bigint[], int[], int[], int[], uuid[], text[], bytea[], bytea[])
    SET plan_cache_mode = force_generic_plan;

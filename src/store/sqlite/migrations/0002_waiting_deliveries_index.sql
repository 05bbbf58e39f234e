-- Only releaseWaiting looks deliveries up by platform and target, and only the
-- parked ('waiting') ones; indexing just those keeps every queued, posted or
-- failed delivery out of this index, which new alerts otherwise paid for on
-- each insert (all their rows share one key prefix per target).
DROP INDEX deliveries_target;
CREATE INDEX deliveries_waiting ON deliveries (platform, target) WHERE state = 'waiting';

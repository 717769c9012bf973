-- Idempotency-Key on note creation: a client that timed out may retry with the same key and
-- gets the note its first request created, never a second one. The key is recorded in the
-- same transaction as the note; the hash tells a retry from a different request.
create table idempotency_keys (
    analyst_id    integer not null references analysts (id) on delete cascade,
    key           text not null,
    request_hash  text not null,
    annotation_id text not null,
    created_at    text not null,
    primary key (analyst_id, key)
);

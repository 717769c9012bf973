-- Full-text search over notes: body (weighted first), tags and quote in one stored generated
-- tsvector under a GIN index, in glossa's text search configuration.
alter table annotations add column search tsvector generated always as (
    setweight(to_tsvector('glossa', body), 'A')
    || to_tsvector('glossa', tags)
    || to_tsvector('glossa', coalesce(exact, ''))
) stored;
create index annotations_search on annotations using gin (search);

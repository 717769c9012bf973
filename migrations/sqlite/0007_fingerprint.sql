-- Size and modification time of a document's files when it was last imported: when they
-- and the gazetteer are unchanged, the file is not read again, which keeps a re-import of a
-- large unchanged corpus (and so the server's start) fast. Content hashes still decide.
alter table documents add column fingerprint text not null default '';

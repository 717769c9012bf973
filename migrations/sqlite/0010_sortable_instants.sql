-- Instants as fixed-width UTC text, 2026-12-03T10:00:00.000000Z: text order is then time order
-- (with RFC 3339's optional fractions, "…00.5Z" sorted before "…00Z"), so lists sort exactly as
-- PostgreSQL sorts its timestamptz columns. Values SQLite cannot read are left as they are.
update documents set
    imported_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', imported_at) || '000Z', imported_at),
    updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', updated_at) || '000Z', updated_at);
update document_versions set
    imported_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', imported_at) || '000Z', imported_at);
update analysts set
    created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', created_at) || '000Z', created_at),
    revoked_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', revoked_at) || '000Z', revoked_at);
update sessions set
    created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', created_at) || '000Z', created_at),
    expires_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', expires_at) || '000Z', expires_at);
update annotations set
    created = coalesce(strftime('%Y-%m-%dT%H:%M:%f', created) || '000Z', created),
    modified = coalesce(strftime('%Y-%m-%dT%H:%M:%f', modified) || '000Z', modified);
update idempotency_keys set
    created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', created_at) || '000Z', created_at);

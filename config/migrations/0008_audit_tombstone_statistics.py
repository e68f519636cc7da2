from django.db import migrations

# The tombstone index (0007) is partial, and PostgreSQL keeps no statistics on a partial index's expression: without
# these it guesses that one participant id in 200 events matches, and the admin's newest-first audit search walks the
# whole table by `occurred_at` instead of reading the index. ANALYZE fills them now rather than at the next
# autovacuum, which on an append-mostly table this size may be weeks away. Both take a lock that no read or write of
# the table conflicts with.
STATISTICS = """
CREATE STATISTICS IF NOT EXISTS audit_tombstone_api_id_stats ON (("changes" #> '{api_id,0}')) FROM core_auditevent;
ANALYZE core_auditevent;
"""
NO_STATISTICS = "DROP STATISTICS IF EXISTS audit_tombstone_api_id_stats;"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_audit_lookup_indexes"),
    ]

    operations = [
        migrations.RunSQL(STATISTICS, NO_STATISTICS),
    ]

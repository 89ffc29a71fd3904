# The DynamoDB table of specs/read_epq.spec: records a and b of partition p.
node "$DDB_TEST_DIR"/ddb.js create-table iso_epq
node "$DDB_TEST_DIR"/ddb.js put iso_epq '[{"id":{"S":"p"},"name":{"S":"a"},"version":{"N":"1"},"payload":{"S":"A"}}, {"id":{"S":"p"},"name":{"S":"b"},"version":{"N":"1"},"payload":{"S":"B"}}, {"id":{"S":"p"},"name":{"S":"xa"},"version":{"N":"1"},"payload":{"S":"XA"}}]'

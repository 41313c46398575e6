// autocannon worker-thread hook (bench/api.ts): a 200 response that carries GraphQL errors is a failure
// (counted as a mismatch).
'use strict';
module.exports = (body) => !body.includes('"errors"');

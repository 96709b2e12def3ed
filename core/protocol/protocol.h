#pragma once

// Umbrella header of acdesk_protocol, the codec of the Acdesk WebSocket API
// (shared/design/protocol.md), used by the server, the client and the tests.
//
// Where the contract is silent, the codec decides (tests/protocol pins each choice):
// - Unknown fields are ignored (forward compatibility); Envelope::body is the whole object.
// - An id that is not a non-empty string of <= 128 characters or an integer within ±2^53
//   counts as unreadable: bad_request without `re`. A bad `key` is answered with `re`.
// - Numbers beyond double range (1e400) make Qt's parser refuse the frame: bad_request, no id.
// - agent.setState: not_ready requires `reason`; ready refuses a non-null `reason`.
//   supervisor.setAgentState: `reason` optional (the server fills in "supervisor").
//   Both accept only ready and not_ready.
// - stats.subscribe: "*" must stand alone; duplicate queue ids are refused.
// - Nullable strings (reason, queue, caller/hotline name) are QString, empty <=> JSON null.
// - `pending` is {"state","reason"}; `call.ended` carries the whole call object.
// - Events carry seq as a member (0 = not set, then omitted); decoders accept a missing seq.
// - `today.reachability` is an extension (answered / offered, as the engine computes it), null when
//   undefined; asaMs/ahtMs are doubles (means are not rounded).
// - gw.arrive `data` may nest at most 16 levels; `priority` is an integer in ±1,000,000.

#include "envelope.h"       // IWYU pragma: export
#include "requests.h"       // IWYU pragma: export
#include "results.h"        // IWYU pragma: export
#include "servermessages.h" // IWYU pragma: export
#include "types.h"          // IWYU pragma: export
#include "values.h"         // IWYU pragma: export

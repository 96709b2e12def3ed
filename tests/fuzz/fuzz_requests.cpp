// libFuzzer target: a client frame through the server's decoding steps (envelope, then
// the typed request), and the permission table for every role. A decoded request must
// encode again into a frame that decodes: the codec may refuse input, never crash or
// produce something it cannot read back itself.
#include "protocol/envelope.h"
#include "protocol/requests.h"

#include <QByteArrayView>

#include <cstddef>
#include <cstdint>
#include <variant>

using namespace acdesk::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView frame(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto envelope = decodeEnvelope(frame);
    const auto *env = std::get_if<Envelope>(&envelope);
    if (!env)
        return 0;
    for (Role role : {Role::Agent, Role::Supervisor, Role::Wallboard, Role::Gateway})
        (void)roleMayUse(role, env->type);
    (void)requiresAuthentication(env->type);
    (void)isMutatingRequestType(env->type);
    const auto request = decodeRequest(*env);
    const auto *req = std::get_if<Request>(&request);
    if (!req)
        return 0;
    const QByteArray again = encodeRequest(*req, env->id, env->key);
    if (!std::holds_alternative<Request>(decodeRequest(QByteArrayView(again))))
        __builtin_trap(); // the codec cannot read its own output
    return 0;
}

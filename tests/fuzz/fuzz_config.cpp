// libFuzzer target: the server's config parser (contract section 7) on arbitrary text.
#include "config.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto result = acdesk::server::parseConfig(json, QStringLiteral("fuzz.json"));
    if (!result.config && result.error.isEmpty())
        __builtin_trap(); // a refusal must say why
    return 0;
}

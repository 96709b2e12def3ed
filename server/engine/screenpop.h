#pragma once

// Screen-pop: a URL template per queue or hotline ("https://crm.example/search?phone=
// {caller.number}") that the agent's desk opens in the browser. The server expands it for
// each call, so every client opens the same page and no client needs the template.

#include <QString>

#include <optional>

namespace acdesk::engine {

struct Call;

/** @brief When the agent's desk opens the page by itself. */
enum class ScreenPopOpen { Accept, Offer, Manual };

/** @brief "accept", "offer", "manual". */
QString screenPopOpenName(ScreenPopOpen open);
/** @brief The inverse of screenPopOpenName; nullopt for anything else. */
std::optional<ScreenPopOpen> screenPopOpenFromName(const QString &name);

/** @brief A configured template; an empty url = none. */
struct ScreenPopConfig
{
    QString url;
    ScreenPopOpen open = ScreenPopOpen::Accept;
};

/** @brief A template expanded for one call. */
struct ScreenPop
{
    QString url;
    ScreenPopOpen open = ScreenPopOpen::Accept;
};

/**
 * @brief Why @p url is not a usable template, or an empty string when it is.
 *
 * A template is an absolute http(s) URL whose scheme and host are written out (no
 * placeholder may choose where the page comes from) with placeholders {call.id},
 * {caller.number}, {caller.name}, {hotline.number}, {hotline.name}, {queue}, {agent} and
 * {data.KEY} (KEY a path into the call's data, dots between levels).
 */
QString screenPopTemplateError(const QString &url);

/**
 * @brief The template with every placeholder replaced by the call's value, percent-encoded
 * as UTF-8 (all but A-Z a-z 0-9 - . _ ~), so a value can never end the query, add a
 * parameter or change the path. Missing values, objects and arrays give an empty text.
 */
QString expandScreenPop(const QString &url, const Call &call);

} // namespace acdesk::engine

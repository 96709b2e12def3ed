#pragma once

#include "protocol/values.h"

#include <QAbstractListModel>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

#include <functional>

namespace acdesk::client {

/**
 * @brief What QML sees of a list the server sends: one row per object, one role per field.
 *
 * The role names are the codec's field names (the keys of the row type's toJson()), and a
 * role's value is that field as the codec encodes it (nested objects such as a queue's
 * `today` read as script objects, times as ISO strings, null as null) — so a field is named
 * in one place, the codec, and QML reads what the contract documents.
 *
 * Replacing all rows (every `stats` event is the full picture) keeps the delegates when the
 * keys stay in order and only signals the rows that changed; otherwise the model resets.
 */
class RowModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Lists come from a session or a feed.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /** @brief The number of rows. */
    int count() const { return int(m_rows.size()); }
    /** @brief Row @p row as a script object with every role (empty when out of range). */
    Q_INVOKABLE QVariantMap get(int row) const;
    /** @brief The row with key @p key (a queue's or agent's id, ...) as get() does. */
    Q_INVOKABLE QVariantMap find(const QString &key) const;
    /** @brief The index of the row with key @p key, or -1. */
    Q_INVOKABLE int indexOf(const QString &key) const;

Q_SIGNALS:
    void countChanged();

protected:
    /** @brief A model with roles named @p roles (Qt::UserRole onwards). */
    explicit RowModel(QList<QByteArray> roles, QObject *parent = nullptr);
    /** @brief Replaces every row by @p rows (encoded) with keys @p keys. */
    void setRows(QStringList keys, QList<QJsonObject> rows);
    /** @brief Replaces the existing row @p row (its key stays). */
    void setRow(int row, const QJsonObject &encoded);
    /** @brief Inserts a row at @p row. */
    void insertRow(int row, const QString &key, const QJsonObject &encoded);
    /** @brief Removes row @p row. */
    void removeRowAt(int row);

private:
    QList<QByteArray> m_roles;
    QStringList m_keys;
    QList<QJsonObject> m_rows;
};

/**
 * @brief A RowModel over rows of codec type T (proto::QueueStats, proto::AgentInfo, ...):
 * C++ keeps the typed rows, QML reads their encoding. @p key names a row (empty: rows have
 * no identity, and every replacement resets).
 */
template<typename T>
class ListModel : public RowModel
{
public:
    using KeyOf = std::function<QString(const T &)>;

    /** @brief A model whose roles are the fields of @p prototype's encoding (set every
     * optional member so that each field is there). */
    ListModel(const T &prototype, KeyOf key, QObject *parent = nullptr)
        : RowModel(toRoles(prototype.toJson().keys()), parent)
        , m_key(std::move(key))
    {}

    /** @brief The typed rows. */
    const QList<T> &rows() const { return m_items; }
    /** @brief The row with key @p key, or nullptr. */
    const T *byKey(const QString &key) const
    {
        const int i = indexOf(key);
        return i < 0 ? nullptr : &m_items.at(i);
    }
    /** @brief Replaces every row (a full picture). */
    void assign(QList<T> items)
    {
        QStringList keys;
        QList<QJsonObject> encoded;
        keys.reserve(items.size());
        encoded.reserve(items.size());
        for (const T &item : items) {
            keys.append(keyOf(item));
            encoded.append(item.toJson());
        }
        m_items = std::move(items);
        setRows(std::move(keys), std::move(encoded));
    }
    /** @brief Replaces the row with @p item's key, or adds it at @p newRow (-1: the end). */
    void upsert(const T &item, int newRow = -1)
    {
        const QString key = keyOf(item);
        const int at = key.isEmpty() ? -1 : indexOf(key);
        if (at >= 0) {
            m_items[at] = item;
            setRow(at, item.toJson());
            return;
        }
        const int row = newRow < 0 || newRow > count() ? count() : newRow;
        m_items.insert(row, item);
        insertRow(row, key, item.toJson());
    }
    /** @brief Removes the row with key @p key; false when there is none. */
    bool remove(const QString &key)
    {
        const int at = indexOf(key);
        if (at < 0)
            return false;
        m_items.removeAt(at);
        removeRowAt(at);
        return true;
    }
    /** @brief Removes the last row (lists with a cap). */
    void removeLast()
    {
        if (m_items.isEmpty())
            return;
        m_items.removeLast();
        removeRowAt(count() - 1);
    }

private:
    static QList<QByteArray> toRoles(const QStringList &names)
    {
        QList<QByteArray> roles;
        for (const QString &n : names)
            roles.append(n.toUtf8());
        return roles;
    }
    QString keyOf(const T &item) const { return m_key ? m_key(item) : QString(); }

    KeyOf m_key;
    QList<T> m_items;
};

/** @brief An agent with every optional member set: its encoding names every agent role. */
proto::AgentInfo agentRowPrototype();
/** @brief A call with a hotline: its encoding names every call role. */
proto::Call callRowPrototype();
/** @brief The key of an agent or call row: its id. */
inline QString idOf(const proto::AgentInfo &a)
{
    return a.id;
}
inline QString idOf(const proto::Call &c)
{
    return c.id;
}
inline QString idOf(const proto::QueueStats &q)
{
    return q.id;
}

} // namespace acdesk::client

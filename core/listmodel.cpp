#include "listmodel.h"

namespace acdesk::client {

RowModel::RowModel(QList<QByteArray> roles, QObject *parent)
    : QAbstractListModel(parent)
    , m_roles(std::move(roles))
{}

int RowModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RowModel::data(const QModelIndex &index, int role) const
{
    const int field = role - Qt::UserRole;
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        field < 0 || field >= m_roles.size())
        return {};
    return m_rows.at(index.row()).value(QLatin1String(m_roles.at(field))).toVariant();
}

QHash<int, QByteArray> RowModel::roleNames() const
{
    QHash<int, QByteArray> names;
    for (int i = 0; i < m_roles.size(); ++i)
        names.insert(Qt::UserRole + i, m_roles.at(i));
    return names;
}

QVariantMap RowModel::get(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).toVariantMap() : QVariantMap();
}

QVariantMap RowModel::find(const QString &key) const
{
    return get(indexOf(key));
}

int RowModel::indexOf(const QString &key) const
{
    return key.isEmpty() ? -1 : int(m_keys.indexOf(key));
}

void RowModel::setRows(QStringList keys, QList<QJsonObject> rows)
{
    const bool sameKeys = keys == m_keys && !keys.contains(QString());
    if (!sameKeys) {
        // Rows came or went or moved: rare (configuration changes), so a reset is fine.
        const int before = count();
        beginResetModel();
        m_keys = std::move(keys);
        m_rows = std::move(rows);
        endResetModel();
        if (before != count())
            Q_EMIT countChanged();
        return;
    }
    // The usual case, several times a second: the same rows with new figures.
    for (int i = 0; i < rows.size(); ++i) {
        if (rows.at(i) == m_rows.at(i))
            continue;
        m_rows[i] = rows.at(i);
        Q_EMIT dataChanged(index(i), index(i));
    }
}

void RowModel::setRow(int row, const QJsonObject &encoded)
{
    if (m_rows.at(row) == encoded)
        return;
    m_rows[row] = encoded;
    Q_EMIT dataChanged(index(row), index(row));
}

void RowModel::insertRow(int row, const QString &key, const QJsonObject &encoded)
{
    beginInsertRows({}, row, row);
    m_keys.insert(row, key);
    m_rows.insert(row, encoded);
    endInsertRows();
    Q_EMIT countChanged();
}

void RowModel::removeRowAt(int row)
{
    beginRemoveRows({}, row, row);
    m_keys.removeAt(row);
    m_rows.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
}

proto::AgentInfo agentRowPrototype()
{
    proto::AgentInfo a;
    a.skills = QMap<QString, int>();
    a.connected = false;
    a.answeredToday = 0;
    a.pending = proto::PendingState{};
    return a;
}

proto::Call callRowPrototype()
{
    proto::Call c;
    c.hotline = proto::Party{};
    c.screenPop = proto::Call::ScreenPop{};
    c.consult = proto::Call::Consult{};
    return c;
}

} // namespace acdesk::client

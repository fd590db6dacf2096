#pragma once
// Runs the built deepfield-cli through QProcess, as a script would, for the CLI tests.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace cli_test {

struct Result {
    int code = -1;  // exit code; -1 when the process crashed or timed out
    QString out, err;
};

inline Result runCli(const QStringList& args, const QString& workDir = {}) {
    QProcess p;
    if (!workDir.isEmpty()) p.setWorkingDirectory(workDir);
    p.start(QStringLiteral(DEEPFIELD_CLI), args);
    if (!p.waitForFinished(240000)) p.kill();
    Result r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline QJsonObject readJson(const QString& path) { return QJsonDocument::fromJson(readAll(path)).object(); }

}  // namespace cli_test

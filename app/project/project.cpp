#include "project.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "core/error.h"

namespace deepfield::app {

namespace {
// Weights travel as the bytes of a safetensors file, so the format has one definition.
std::string weightsToBytes(const TensorFile& f) {
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/w.safetensors").toStdString();
    writeSafetensors(path, f);
    QFile in(QString::fromStdString(path));
    in.open(QIODevice::ReadOnly);
    return in.readAll().toStdString();
}

TensorFile weightsFromBytes(const QByteArray& bytes) {
    QTemporaryDir dir;
    const QString path = dir.path() + "/w.safetensors";
    QFile out(path);
    out.open(QIODevice::WriteOnly);
    out.write(bytes);
    out.close();
    return readSafetensors(path.toStdString());
}
}  // namespace

Json Project::toJson() const {
    Json j{{"format", "deepfield-project"},
           {"version", 1},
           {"data_source", dataSource},
           {"network", network},
           {"training", training.toJson()},
           {"history", history}};
    if (weights) {
        const std::string bytes = weightsToBytes(*weights);
        j["weights_safetensors_base64"] = QByteArray::fromStdString(bytes).toBase64().toStdString();
    }
    return j;
}

Project Project::fromJson(const Json& j, const QString& path) {
    const std::string where = "project file '" + path.toStdString() + "'";
    if (!j.is_object() || j.value("format", "") != "deepfield-project")
        throw InputError(where + " is not a DeepField project (no \"format\": \"deepfield-project\")");
    if (j.value("version", 0) != 1)
        throw InputError(where + ": version " + std::to_string(j.value("version", 0)) +
                         " is newer than this DeepField understands (1)");
    Project p;
    try {
        p.dataSource = j.value("data_source", Json::object());
        p.network = j.value("network", Json::object());
        if (j.contains("training")) p.training = TrainSettings::fromJson(j["training"]);
        p.history = j.value("history", Json::array());
        if (j.contains("weights_safetensors_base64")) {
            const QByteArray raw = QByteArray::fromBase64(
                QByteArray::fromStdString(j["weights_safetensors_base64"].get<std::string>()));
            p.weights = weightsFromBytes(raw);
        }
    } catch (const Error& e) {
        throw InputError(where + ": " + e.what());
    } catch (const std::exception& e) {
        throw InputError(where + ": a field has the wrong type (" + e.what() + ")");
    }
    return p;
}

void Project::save(const QString& path) const {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) throw Error("cannot write '" + path.toStdString() + "': " + f.errorString().toStdString());
    const std::string text = toJson().dump(1);
    f.write(text.data(), qint64(text.size()));
    if (!f.commit()) throw Error("saving '" + path.toStdString() + "' failed: " + f.errorString().toStdString());
}

Project Project::load(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw InputError("cannot open project file '" + path.toStdString() + "': " + f.errorString().toStdString());
    Json j;
    try {
        j = Json::parse(f.readAll().toStdString());
    } catch (const std::exception& e) {
        throw InputError("project file '" + path.toStdString() + "' is not valid JSON: " + e.what());
    }
    return fromJson(j, path);
}

QString autosavePath(const QString& projectPath) {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/autosave";
    QDir().mkpath(dir);
    if (projectPath.isEmpty()) return dir + "/untitled.dfproj";
    const QString key = QString::number(qHash(QFileInfo(projectPath).absoluteFilePath()), 16);
    return dir + "/" + QFileInfo(projectPath).completeBaseName() + "-" + key + ".dfproj";
}

}  // namespace deepfield::app

// The Latent space panel's exports: the plot and the traversal grid as PNG or SVG, the latent
// coordinates as CSV with the columns of `deepfield-cli encode`.
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

#include "data/image_folder.h"
#include "latent_csv.h"
#include "latent_image.h"
#include "latent_scatter.h"
#include "panels/data_panel.h"
#include "panels/latent_panel.h"

namespace deepfield::app {

std::vector<std::string> LatentPanel::labelTexts() const {
    std::vector<std::string> out;
    const QStringList names = data_->classNames();
    for (int c : classes_) out.push_back(c >= 0 && c < names.size() ? names[c].toStdString() : std::string());
    return out;
}

std::vector<std::string> LatentPanel::rowNames() const {
    if (const auto* f = dynamic_cast<const ImageFolderDataset*>(data_->dataset().get())) return f->files();
    std::vector<std::string> out;
    for (int i = 0; i < codes_.mu.batch(); ++i) out.push_back("sample_" + std::to_string(i));
    return out;
}

bool LatentPanel::exportPlot(const QString& path) {
    const bool ok = path.endsWith(".svg", Qt::CaseInsensitive) ? scatter_->saveSvg(path) : scatter_->savePng(path);
    setStatus(ok ? tr("Plot written to '%1'.").arg(path) : tr("Could not write '%1'.").arg(path));
    return ok;
}

bool LatentPanel::exportGrid(const QString& path) {
    if (gridImages_.batch() == 0 || gridSteps_ == 0) {
        setStatus(tr("Turn on the traversal grid first."));
        return false;
    }
    const int side = 64, steps = gridSteps_;
    QImage sheet(steps * side, steps * side, QImage::Format_RGB32);
    QPainter p(&sheet);
    for (int i = 0; i < gridImages_.batch(); ++i) p.drawImage(QRect((i % steps) * side, (i / steps) * side, side, side), latentImage(gridImages_, i));
    p.end();
    bool ok;
    if (path.endsWith(".svg", Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(sheet.size());
        svg.setViewBox(QRect(QPoint(0, 0), sheet.size()));
        QPainter sp;
        ok = sp.begin(&svg);
        if (ok) sp.drawImage(0, 0, sheet), ok = sp.end();
    } else {
        ok = sheet.save(path);
    }
    setStatus(ok ? tr("Grid written to '%1'.").arg(path) : tr("Could not write '%1'.").arg(path));
    return ok;
}

bool LatentPanel::exportCsv(const QString& path) {
    if (codes_.mu.batch() == 0) {
        setStatus(tr("Nothing encoded yet."));
        return false;
    }
    QSaveFile f(path);
    const std::string csv = latentCsv(codes_, rowNames(), labelTexts());
    const bool ok = f.open(QIODevice::WriteOnly) && f.write(csv.data(), qint64(csv.size())) == qint64(csv.size()) && f.commit();
    setStatus(ok ? tr("%1 rows written to '%2'.").arg(codes_.mu.batch()).arg(path) : tr("Could not write '%1'.").arg(path));
    return ok;
}

}  // namespace deepfield::app

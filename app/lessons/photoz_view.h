#pragma once
// Lesson 10's playground: photometric redshift from catalogue colours beside photometric redshift
// from images, each as predicted against true redshift with its NMAD and the trivial NMAD of
// always answering the mean. Both fits run in the background.
#include <QWidget>

#include "lesson_data.h"
#include "photoz_experiment.h"

class QCustomPlot;
class QLabel;
class QPushButton;

namespace deepfield::app {

class BackgroundTask;

class PhotoZView : public QWidget {
    Q_OBJECT
public:
    explicit PhotoZView(QWidget* parent = nullptr);
    ~PhotoZView() override;

    void setColourData(const ColourSample& galaxies);  // BOSS galaxies with spectroscopic redshifts
    void run();  // both fits; finished() when done
    bool isRunning() const;
    const PhotoZRun& colourRun() const { return colour_; }
    const PhotoZRun& imageRun() const { return image_; }
    QString errorText() const { return error_; }
    QCustomPlot* colourPlot() const { return colourPlot_; }
    QCustomPlot* imagePlot() const { return imagePlot_; }

signals:
    void finished();

private:
    void plot(QCustomPlot* plot, const PhotoZRun& run, const QString& what);

    ColourSample colours_;
    PhotoZRun colour_, image_;
    QString error_;
    BackgroundTask* task_;
    QCustomPlot *colourPlot_, *imagePlot_;
    QPushButton* runButton_;
    QLabel* status_;
};

}  // namespace deepfield::app

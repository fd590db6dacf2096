#pragma once
// The course: ten lessons in order, each with its text (a Markdown resource in our own words),
// what one click loads (data source, network, training settings), the docks it raises and
// the playground it shows. Everything runs on data the program ships (resources/data and the
// simulator); nothing is downloaded.
#include <QString>
#include <QStringList>
#include <vector>

#include "panels/generate/gan_session.h"
#include "panels/latent/vae_training.h"
#include "project/project.h"

namespace deepfield::app {

struct Lesson {
    int number = 0;
    QString title;
    QString summary;     // one line for the start page
    QString text;        // resource path of the lesson text (Markdown)
    QString playground;  // "boundary", "backprop", "convolution", "overfit", "photoz" or empty
    QStringList docks;   // objectNames of the docks to raise, first = the one in front
};

const std::vector<Lesson>& lessonCatalog();
// The lesson's text (Markdown) from the resources.
QString lessonText(const Lesson& lesson);

// resources/data of this checkout: $DEEPFIELD_DATA, else the first resources/data found
// walking up from the executable and from the working directory. Empty when none is found.
QString lessonDataDir();
// The SDSS DR14 colour table (stars, galaxies, quasars with spectroscopic classes and redshifts).
QString sdssColoursCsv();

// What the lesson loads into the Data, Network and Train panels. Throws InputError naming
// the missing file when the shipped data cannot be found.
Project lessonProject(const Lesson& lesson);

// Lesson 4's second step: the shipped Galaxy Zoo cut-outs (resources/data/gz1-sdss, labels.csv)
// as a Data panel folder source, grey and `size`×`size` like the simulated step. Throws InputError
// naming the folder when it is missing.
Json lessonGalaxyZooSource(int size = 32);

// What the demonstrations train beside the lesson's network (small: each runs in well under a minute
// on two cores). Lesson 7's second network: an encoder–decoder without skips for bulge and disk.
Json lessonBulgeDiskNetwork(const Shape& input);
// Lesson 8: the VAE recipe of docs/demonstrations.md (2-D latent, β 0.5, KL warm-up 3, lr 0.002).
VaeTrainSettings lessonVaeSettings();
// Lesson 9: a short WGAN (clip 0.05, 5 critic steps) with several snapshots of its samples.
GanSetup lessonGanSetup();

}  // namespace deepfield::app

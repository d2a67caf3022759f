// SPDX-License-Identifier: GPL-3.0-or-later
#include "run/CheckpointCheck.h"

#include "formats/SafeTensorsFile.h"
#include "quant/QuantizedState.h"

#include <string>

namespace qat {

void checkBlockCheckpoints(const RunDirectory& run, const QuantSpec& spec) {
    const auto last = run.lastFinishedBlock();
    if (!last) return;
    for (int64_t i = 0; i <= *last; ++i) {
        const auto path = run.blockCheckpointPath(i);
        readingBlockCheckpoint(path, [&] {
            const SafeTensorsFile file(path);
            const QuantSpec stored = quantizedSpecOf(file);
            if (stored.bits != spec.bits || stored.groupSize != spec.groupSize)
                fail(ErrorKind::BadInput, path.string() + " holds W" + std::to_string(stored.bits) + " g" +
                                              std::to_string(stored.groupSize) + ", this run is W" +
                                              std::to_string(spec.bits) + " g" +
                                              std::to_string(spec.groupSize));
            return 0;
        });
    }
}

} // namespace qat

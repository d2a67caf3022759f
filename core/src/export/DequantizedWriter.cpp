// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/DequantizedWriter.h"

namespace qat {

ExportedLayer DequantizedWriter::writeLinear(const QuantizedLinearView& linear) {
    addLinearTensor(linear.module + ".weight", dequantizedWeight(linear), true);
    return ExportedLayer{};
}

} // namespace qat

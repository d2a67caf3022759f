<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>main</name>
    <message>
        <source>QAT Studio: quantization-aware training of Llama-family models to 2–4 bits.</source>
        <translation>QAT Studio：对 Llama 系列模型进行 2–4 位量化感知训练。</translation>
    </message>
    <message>
        <source>Give at most one model folder.</source>
        <translation>最多只能指定一个模型文件夹。</translation>
    </message>
    <message>
        <source>The model folder to open (config.json and safetensors weights).</source>
        <translation>要打开的模型文件夹（config.json 和 safetensors 权重）。</translation>
    </message>
    <message>
        <source>A calibration text file for the Data page (may be repeated).</source>
        <translation>用于“数据”页的校准文本文件（可多次指定）。</translation>
    </message>
    <message>
        <source>An evaluation text file for the Data page (may be repeated).</source>
        <translation>用于“数据”页的评估文本文件（可多次指定）。</translation>
    </message>
    <message>
        <source>A preset (the JSON of qat-cli quantize --config, or a run&apos;s run.json) for the Recipe and Data pages.</source>
        <translation>用于“配方”和“数据”页的预设（qat-cli quantize --config 的 JSON，或某次运行的 run.json）。</translation>
    </message>
    <message>
        <source>A model folder to open (the same as --model).</source>
        <translation>要打开的模型文件夹（与 --model 相同）。</translation>
    </message>
</context>
<context>
    <name>qat::AccuracyChart</name>
    <message>
        <source>Zero-shot accuracy per task and run (higher is better)</source>
        <translation>各运行在各任务上的零样本准确率（越高越好）</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
</context>
<context>
    <name>qat::DataPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Let the model write its own calibration text</source>
        <translation>让模型自己生成校准文本(&amp;L)</translation>
    </message>
    <message>
        <source>For users without data: documents sampled from the full-precision model</source>
        <translation>适合没有数据的用户：从全精度模型采样生成的文档</translation>
    </message>
    <message>
        <source>Documents to generate</source>
        <translation>要生成的文档数</translation>
    </message>
    <message>
        <source>Tokens per window (paper: 2048)</source>
        <translation>每个窗口的词元数（论文：2048）</translation>
    </message>
    <message>
        <source>Training windows (paper: 4096)</source>
        <translation>训练窗口数（论文：4096）</translation>
    </message>
    <message>
        <source>Validation windows, from the last 10% of the documents (paper: 64)</source>
        <translation>验证窗口数，取自最后 10% 的文档（论文：64）</translation>
    </message>
    <message>
        <source>A&amp;dd…</source>
        <translation>添加(&amp;D)…</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>移除(&amp;M)</translation>
    </message>
    <message>
        <source>Evaluate only the first N windows of each file, for a quick look (0: all)</source>
        <translation>只评估每个文件的前 N 个窗口，用于快速查看（0：全部）</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>&amp;Window length (tokens)</source>
        <translation>窗口长度（词元）(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Training windows</source>
        <translation>训练窗口(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Validation windows</source>
        <translation>验证窗口(&amp;V)</translation>
    </message>
    <message>
        <source>Evaluation (perplexity before and after each phase)</source>
        <translation>评估（每个阶段前后的困惑度）</translation>
    </message>
    <message>
        <source>Windows &amp;per file</source>
        <translation>每个文件的窗口数(&amp;P)</translation>
    </message>
    <message>
        <source>Calibration text</source>
        <translation>校准文本</translation>
    </message>
    <message>
        <source>Text (*.txt *.jsonl *.raw);;All files (*)</source>
        <translation>文本 (*.txt *.jsonl *.raw);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Evaluation text</source>
        <translation>评估文本</translation>
    </message>
    <message>
        <source>Text or JSONL files the windows are cut from (documents separated by blank lines)</source>
        <translation>用于切分窗口的文本或 JSONL 文件（文档之间以空行分隔）</translation>
    </message>
    <message>
        <source>Text or JSONL files whose perplexity is measured in full precision and after each phase</source>
        <translation>在全精度下及每个阶段之后测量困惑度的文本或 JSONL 文件</translation>
    </message>
    <message>
        <source>Add calibration text files</source>
        <translation>添加校准文本文件</translation>
    </message>
    <message>
        <source>Add evaluation text files</source>
        <translation>添加评估文本文件</translation>
    </message>
    <message>
        <source>The model will write %1 documents before the run.</source>
        <translation>运行前模型将生成 %1 篇文档。</translation>
    </message>
    <message>
        <source>Add calibration text, or let the model write its own.</source>
        <translation>请添加校准文本，或让模型自己生成。</translation>
    </message>
    <message>
        <source>Open a model to count the tokens.</source>
        <translation>打开模型后即可统计词元数。</translation>
    </message>
    <message>
        <source>%1 documents, %2 tokens; %3 windows of %4 tokens need about %5: %6</source>
        <translation>%1 篇文档，%2 个词元；%3 个 %4 词元的窗口约需 %5：%6</translation>
    </message>
    <message>
        <source>enough</source>
        <translation>足够</translation>
    </message>
    <message>
        <source>too short: add text, or ask for fewer or shorter windows</source>
        <translation>太短：请添加文本，或减少窗口数量或长度</translation>
    </message>
</context>
<context>
    <name>qat::ExportDialog</name>
    <message>
        <source>Export into folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>Packed layers: %1 of %2</source>
        <translation>已打包的层：%1 / %2</translation>
    </message>
    <message>
        <source>Kept as %1 weights (%2 layers): %3</source>
        <translation>保留为 %1 权重（%2 层）：%3</translation>
    </message>
    <message>
        <source>Stored bits per decoder-linear weight: %1</source>
        <translation>解码器线性层每个权重的存储位数：%1</translation>
    </message>
    <message>
        <source>Total: %1</source>
        <translation>总计：%1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Export Model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Run: %1</source>
        <translation>运行：%1</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>格式(&amp;F)：</translation>
    </message>
    <message>
        <source>GPTQ v2, packed (GPTQModel, vLLM, transformers)</source>
        <translation>GPTQ v2，打包（GPTQModel、vLLM、transformers）</translation>
    </message>
    <message>
        <source>Dequantized weights (any Llama loader)</source>
        <translation>反量化权重（任意 Llama 加载器）</translation>
    </message>
    <message>
        <source>&amp;Data type:</source>
        <translation>数据类型(&amp;D)：</translation>
    </message>
    <message>
        <source>The type of the embeddings, norms, head and dequantized weights</source>
        <translation>嵌入、归一化、输出头和反量化权重的数据类型</translation>
    </message>
    <message>
        <source>&amp;Destination:</source>
        <translation>目标(&amp;T)：</translation>
    </message>
    <message>
        <source>The folder to create; it is written under a temporary name and renamed when complete</source>
        <translation>要创建的文件夹；先以临时名称写入，完成后再重命名</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Replace the folder if it exists</source>
        <translation>若文件夹已存在则替换(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1：%2 / %3</translation>
    </message>
    <message>
        <source>Export cancelled: nothing was written to %1</source>
        <translation>导出已取消：未向 %1 写入任何内容</translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation>取消(&amp;N)</translation>
    </message>
    <message>
        <source>Stop the export; nothing is left at the destination</source>
        <translation>停止导出；目标位置不会留下任何内容</translation>
    </message>
    <message>
        <source>Export to file</source>
        <translation>导出到文件</translation>
    </message>
    <message>
        <source>GGUF model (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>%1: %2 layers, %3 exact; relative weight error mean %4, max %5</source>
        <translation>%1：%2 层，%3 层精确；相对权重误差平均 %4，最大 %5</translation>
    </message>
    <message>
        <source>%1 layers: %2</source>
        <translation>%1 层：%2</translation>
    </message>
    <message>
        <source>Perplexity on %1 (%2 windows of %3): run %4, file read back %5 (%6%)</source>
        <translation>%1 上的困惑度（%2 个 %3 词元窗口）：运行 %4，回读文件 %5（%6%）</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>注：%1</translation>
    </message>
    <message>
        <source>GGUF file (llama.cpp, Ollama, LM Studio)</source>
        <translation>GGUF 文件（llama.cpp、Ollama、LM Studio）</translation>
    </message>
    <message>
        <source>GPTQ packs the integer weights (2-8 bits) with float16 scales; layers the layout cannot hold are kept dequantized and listed in the config. Dequantized writes every weight as a plain floating-point tensor. GGUF writes one file with the tokenizer inside; 4-bit runs with groups of 32, 64, 128 … are exact in it, other widths are fitted.</source>
        <translation>GPTQ 以 float16 缩放打包整数权重（2–8 位）；布局无法容纳的层保持反量化并列在配置中。反量化格式把每个权重写为普通浮点张量。GGUF 写出一个内含分词器的文件；分组为 32、64、128 … 的 4 位运行在其中是精确的，其他位宽为拟合。</translation>
    </message>
    <message>
        <source>&amp;Layer type:</source>
        <translation>层类型(&amp;L)：</translation>
    </message>
    <message>
        <source>Automatic (exact where a type holds the run)</source>
        <translation>自动（有类型能容纳运行时精确）</translation>
    </message>
    <message>
        <source>The ggml type of the decoder linears. Q4_1 holds an asymmetric 4-bit run exactly, Q4_0 a symmetric one, Q8_0 an 8-bit one; Q2_K, Q3_K and Q4_K are fitted to the run&apos;s weights.</source>
        <translation>解码器线性层的 ggml 类型。Q4_1 精确容纳非对称 4 位运行，Q4_0 容纳对称运行，Q8_0 容纳 8 位运行；Q2_K、Q3_K 和 Q4_K 拟合运行的权重。</translation>
    </message>
    <message>
        <source>E&amp;mbeddings:</source>
        <translation>嵌入(&amp;M)：</translation>
    </message>
    <message>
        <source>The type of the token embedding (and of an untied output head)</source>
        <translation>词元嵌入（以及未绑定输出头）的类型</translation>
    </message>
    <message>
        <source>Read the file back and compare its &amp;perplexity with the run&apos;s</source>
        <translation>回读文件并将其困惑度(&amp;P)与运行的比较</translation>
    </message>
    <message>
        <source>On the run&apos;s evaluation text, its first windows; takes about as long as two evaluations</source>
        <translation>在运行的评估文本的前几个窗口上；耗时约为两次评估</translation>
    </message>
</context>
<context>
    <name>qat::ExportWorker</name>
    <message>
        <source>Converting layers</source>
        <translation>正在转换层</translation>
    </message>
    <message>
        <source>Writing files</source>
        <translation>正在写入文件</translation>
    </message>
    <message>
        <source>Measuring the file read back</source>
        <translation>正在测量回读的文件</translation>
    </message>
</context>
<context>
    <name>qat::Format</name>
    <message>
        <source>scalar</source>
        <translation>标量</translation>
    </message>
</context>
<context>
    <name>qat::MainWindow</name>
    <message>
        <source>Open the Demo</source>
        <translation>打开演示</translation>
    </message>
    <message>
        <source>The bundled demo is not installed (share/qat-studio beside the program).</source>
        <translation>未安装随附的演示（程序旁的 share/qat-studio）。</translation>
    </message>
    <message>
        <source>Opened %1: %2 parameters</source>
        <translation>已打开 %1：%2 个参数</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>无法打开 %1</translation>
    </message>
    <message>
        <source>No recent models</source>
        <translation>没有最近打开的模型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Model Folder…</source>
        <translation>打开模型文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About QAT Studio</source>
        <translation>关于 QAT Studio(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>About QAT Studio</source>
        <translation>关于 QAT Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;QAT Studio %1&lt;/h3&gt;&lt;p&gt;Quantization-aware training of Llama-family models to 2–4 bits.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;QAT Studio %1&lt;/h3&gt;&lt;p&gt;对 Llama 系列模型进行 2–4 位量化感知训练。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>A run is in progress.</source>
        <translation>有一个运行正在进行。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: no such calibration file</source>
        <translation>%1：校准文件不存在</translation>
    </message>
    <message>
        <source>%1: no such evaluation file</source>
        <translation>%1：评估文件不存在</translation>
    </message>
    <message>
        <source>A run is in progress</source>
        <translation>有一个运行正在进行</translation>
    </message>
    <message>
        <source>Stop the run and quit? The run folder keeps every finished block, and the run can be resumed later.</source>
        <translation>停止运行并退出吗？运行文件夹会保留每个已完成的块，之后可以继续该运行。</translation>
    </message>
    <message>
        <source>Recipe</source>
        <translation>配方</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>R&amp;un</source>
        <translation>运行(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Start Run</source>
        <translation>开始运行(&amp;S)</translation>
    </message>
    <message>
        <source>Start (or resume) the job on the Run page (%1)</source>
        <translation>开始（或继续）“运行”页上的任务（%1）</translation>
    </message>
    <message>
        <source>&amp;Cancel Run</source>
        <translation>取消运行(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the run at the next step; it can be resumed (%1)</source>
        <translation>在下一步停止运行；之后可以继续（%1）</translation>
    </message>
</context>
<context>
    <name>qat::ModelFactsView</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>%1 files</source>
        <translation>%1 个文件</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>参数量：</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>层数：</translation>
    </message>
    <message>
        <source>Hidden size:</source>
        <translation>隐藏层维度：</translation>
    </message>
    <message>
        <source>Intermediate size:</source>
        <translation>中间层维度：</translation>
    </message>
    <message>
        <source>Heads / KV heads:</source>
        <translation>注意力头 / KV 头：</translation>
    </message>
    <message>
        <source>Head dimension:</source>
        <translation>头维度：</translation>
    </message>
    <message>
        <source>Vocabulary:</source>
        <translation>词表大小：</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>上下文长度：</translation>
    </message>
    <message>
        <source>Weight type:</source>
        <translation>权重类型：</translation>
    </message>
    <message>
        <source>Size on disk:</source>
        <translation>磁盘占用：</translation>
    </message>
    <message>
        <source>Weight files:</source>
        <translation>权重文件：</translation>
    </message>
    <message>
        <source>Tied embeddings:</source>
        <translation>共享嵌入权重：</translation>
    </message>
    <message>
        <source>BOS %1 (id %2)</source>
        <translation>BOS %1（ID %2）</translation>
    </message>
    <message>
        <source>no BOS</source>
        <translation>无 BOS</translation>
    </message>
    <message>
        <source>%1
%2 ids; EOS %3; BOS %4</source>
        <translation>%1
%2 个 ID；EOS %3；BOS %4</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>added to prompts</source>
        <translation>添加到提示开头</translation>
    </message>
    <message>
        <source>not added to prompts</source>
        <translation>不添加到提示开头</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>No tokenizer.json or tokenizer.model in the folder</source>
        <translation>文件夹中没有 tokenizer.json 或 tokenizer.model</translation>
    </message>
    <message>
        <source>Tokenizer:</source>
        <translation>分词器：</translation>
    </message>
</context>
<context>
    <name>qat::ModelPage</name>
    <message>
        <source>Open the &amp;Demo</source>
        <translation>打开演示(&amp;D)</translation>
    </message>
    <message>
        <source>Open the bundled stories260K model with its calibration and evaluation text and the EfficientQAT W2 g64 demo preset: then Start runs it</source>
        <translation>打开随附的 stories260K 模型及其校准和评估文本，以及 EfficientQAT W2 g64 演示预设：之后点击“开始”即可运行</translation>
    </message>
    <message>
        <source>Choose a Model Folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Model &amp;folder:</source>
        <translation>模型文件夹(&amp;F)：</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Recently opened model folders</source>
        <translation>最近打开的模型文件夹</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>Choose a folder holding config.json and the safetensors weights</source>
        <translation>选择包含 config.json 和 safetensors 权重的文件夹</translation>
    </message>
    <message>
        <source>No model is open.

Choose a Hugging Face model folder (config.json, *.safetensors, tokenizer.model) with Browse…, pick a recent one, or drop a folder onto this window.</source>
        <translation>尚未打开模型。

请通过“浏览…”选择一个 Hugging Face 模型文件夹（config.json、*.safetensors、tokenizer.model），或从最近打开的模型中选择，也可以把文件夹拖放到此窗口。</translation>
    </message>
    <message>
        <source>Parameters per block</source>
        <translation>各模块参数量</translation>
    </message>
    <message>
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>Filter by name</source>
        <translation>按名称筛选</translation>
    </message>
    <message>
        <source>Could not open the model folder %1:
%2</source>
        <translation>无法打开模型文件夹 %1：
%2</translation>
    </message>
    <message>
        <source>Run estimate</source>
        <translation>运行所需资源估计</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>内存：</translation>
    </message>
    <message>
        <source>Disk:</source>
        <translation>磁盘：</translation>
    </message>
    <message>
        <source>%1, and %2 of activation caches while Block-AP runs</source>
        <translation>%1，另外 Block-AP 运行期间需要 %2 的激活缓存</translation>
    </message>
    <message>
        <source>For round-to-nearest W%1 g%2 (the Recipe page&apos;s).</source>
        <translation>针对最近舍入 W%1 g%2（“配方”页的设置）。</translation>
    </message>
    <message>
        <source>For %1 W%2 g%3 on %4 windows of %5 tokens, batch %6 (the Recipe and Data pages&apos;).</source>
        <translation>针对 %1 W%2 g%3，%4 个 %5 词元的窗口，批大小 %6（“配方”和“数据”页的设置）。</translation>
    </message>
    <message>
        <source>At the peak: the model in its compute type plus Block-AP&apos;s activation caches and one block&apos;s training state, or E2E-QP&apos;s activations and logits; for LR-QAT, Φ0, the adapters and step sizes with their optimizer state, and the activations and logits. Disk: the run folder (block checkpoints, quantized state, E2E-QP&apos;s or LR-QAT&apos;s checkpoint). Within tens of percent.</source>
        <translation>内存峰值：按计算类型存放的模型，加上 Block-AP 的激活缓存和一个块的训练状态，或 E2E-QP 的激活与 logits；LR-QAT 则为 Φ0、适配器和步长及其优化器状态，以及激活与 logits。磁盘：运行文件夹（块检查点、量化状态、E2E-QP 或 LR-QAT 的检查点）。误差在几十个百分点以内。</translation>
    </message>
</context>
<context>
    <name>qat::ParameterChart</name>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Parameters (billions)</source>
        <translation>参数量（十亿）</translation>
    </message>
    <message>
        <source>Parameters (millions)</source>
        <translation>参数量（百万）</translation>
    </message>
    <message>
        <source>Parameters (thousands)</source>
        <translation>参数量（千）</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Embed.
+ head</source>
        <translation>嵌入
+ 输出头</translation>
    </message>
    <message>
        <source>Embed.</source>
        <translation>嵌入</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>输出头</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Embedding, tied with the output head (final norm included)</source>
        <translation>嵌入层，与输出头共享权重（含最终归一化层）</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>嵌入层</translation>
    </message>
    <message>
        <source>Decoder layer %1</source>
        <translation>解码器层 %1</translation>
    </message>
    <message>
        <source>Output head and final norm</source>
        <translation>输出头和最终归一化层</translation>
    </message>
    <message>
        <source>Other tensors</source>
        <translation>其他张量</translation>
    </message>
    <message>
        <source>%1
Parameters: %2
Tensors: %3</source>
        <translation>%1
参数量：%2
张量数：%3</translation>
    </message>
</context>
<context>
    <name>qat::RecipePage</name>
    <message>
        <source>EfficientQAT (Block-AP, then E2E-QP)</source>
        <translation>EfficientQAT（先 Block-AP，再 E2E-QP）</translation>
    </message>
    <message>
        <source>Block-AP only</source>
        <translation>仅 Block-AP</translation>
    </message>
    <message>
        <source>Round-to-nearest (no training)</source>
        <translation>最近舍入（无需训练）</translation>
    </message>
    <message>
        <source>Bits per weight: integers in [0, 2^bits - 1]</source>
        <translation>每个权重的位数：取值为 [0, 2^位数 − 1] 的整数</translation>
    </message>
    <message>
        <source>whole row</source>
        <translation>整行</translation>
    </message>
    <message>
        <source>Weights per group along the input dimension, each with its own step size and zero point</source>
        <translation>沿输入维度每组的权重数，每组有各自的步长和零点</translation>
    </message>
    <message>
        <source>Block-AP passes over the training windows per block (paper: 2)</source>
        <translation>Block-AP 每个块遍历训练窗口的轮数（论文：2）</translation>
    </message>
    <message>
        <source>Block-AP windows per optimizer step (paper: 2)</source>
        <translation>Block-AP 每个优化步的窗口数（论文：2）</translation>
    </message>
    <message>
        <source>Block-AP learning rate of the weights and norms; 0: by bits (paper: 2e-5 at 2 bits, 1e-5 above)</source>
        <translation>Block-AP 权重和归一化层的学习率；0：按位数选择（论文：2 位时 2e-5，更高时 1e-5）</translation>
    </message>
    <message>
        <source>Block-AP learning rate of the step sizes and zero points (paper: 1e-4)</source>
        <translation>Block-AP 步长和零点的学习率（论文：1e-4）</translation>
    </message>
    <message>
        <source>Train the norm weights</source>
        <translation>训练归一化权重</translation>
    </message>
    <message>
        <source>Block-AP trains the two RMSNorm weights of each block (paper: yes)</source>
        <translation>Block-AP 训练每个块的两个 RMSNorm 权重（论文：是）</translation>
    </message>
    <message>
        <source>Storage of Block-AP&apos;s activation caches (paper: float16)</source>
        <translation>Block-AP 激活缓存的存储类型（论文：float16）</translation>
    </message>
    <message>
        <source>E2E-QP peak learning rate of the step sizes; 0: by bits (paper: 2e-5 at 2 bits, 1e-5 above)</source>
        <translation>E2E-QP 步长的峰值学习率；0：按位数选择（论文：2 位时 2e-5，更高时 1e-5）</translation>
    </message>
    <message>
        <source>E2E-QP passes over the training windows (paper: 1)</source>
        <translation>E2E-QP 遍历训练窗口的轮数（论文：1）</translation>
    </message>
    <message>
        <source>E2E-QP windows per forward and backward pass (paper: 2)</source>
        <translation>E2E-QP 每次前向和反向传播的窗口数（论文：2）</translation>
    </message>
    <message>
        <source>E2E-QP micro-batches per optimizer step (paper: 16, an effective batch of 32)</source>
        <translation>E2E-QP 每个优化步的微批次数（论文：16，有效批大小 32）</translation>
    </message>
    <message>
        <source>E2E-QP gradient-norm clip, 0 for none (paper: 0.3)</source>
        <translation>E2E-QP 梯度范数裁剪，0 表示不裁剪（论文：0.3）</translation>
    </message>
    <message>
        <source>Also train the zero points</source>
        <translation>同时训练零点</translation>
    </message>
    <message>
        <source>E2E-QP trains the step sizes only by default (paper)</source>
        <translation>E2E-QP 默认只训练步长（论文）</translation>
    </message>
    <message>
        <source>&amp;Load Preset…</source>
        <translation>加载预设(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Save Preset…</source>
        <translation>保存预设(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Method</source>
        <translation>方法(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Bits</source>
        <translation>位数(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Group size</source>
        <translation>分组大小(&amp;G)</translation>
    </message>
    <message>
        <source>Bits per parameter</source>
        <translation>每参数位数</translation>
    </message>
    <message>
        <source>Quantized size</source>
        <translation>量化后大小</translation>
    </message>
    <message>
        <source>A&amp;dvanced</source>
        <translation>高级(&amp;D)</translation>
    </message>
    <message>
        <source>Block-AP epochs</source>
        <translation>Block-AP 轮数</translation>
    </message>
    <message>
        <source>Block-AP batch</source>
        <translation>Block-AP 批大小</translation>
    </message>
    <message>
        <source>Block-AP weight lr</source>
        <translation>Block-AP 权重学习率</translation>
    </message>
    <message>
        <source>Block-AP scale / zero lr</source>
        <translation>Block-AP 步长 / 零点学习率</translation>
    </message>
    <message>
        <source>Activation caches</source>
        <translation>激活缓存</translation>
    </message>
    <message>
        <source>E2E-QP lr</source>
        <translation>E2E-QP 学习率</translation>
    </message>
    <message>
        <source>E2E-QP epochs</source>
        <translation>E2E-QP 轮数</translation>
    </message>
    <message>
        <source>E2E-QP batch</source>
        <translation>E2E-QP 批大小</translation>
    </message>
    <message>
        <source>E2E-QP accumulation</source>
        <translation>E2E-QP 梯度累积</translation>
    </message>
    <message>
        <source>E2E-QP gradient clip</source>
        <translation>E2E-QP 梯度裁剪</translation>
    </message>
    <message>
        <source>Load preset</source>
        <translation>加载预设</translation>
    </message>
    <message>
        <source>Presets (*.json)</source>
        <translation>预设 (*.json)</translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>保存预设</translation>
    </message>
    <message>
        <source>Read a recipe from a preset or a run&apos;s run.json (qat-cli quantize --config files)</source>
        <translation>从预设或某次运行的 run.json 读取配方（qat-cli quantize --config 所用的文件）</translation>
    </message>
    <message>
        <source>Write this recipe as a preset that qat-cli quantize --config and this page can read</source>
        <translation>将此配方保存为 qat-cli quantize --config 和本页都能读取的预设</translation>
    </message>
    <message>
        <source>about %1 for the decoder weights</source>
        <translation>解码器权重约 %1</translation>
    </message>
    <message>
        <source>open a model to see</source>
        <translation>打开模型后显示</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>%1: cannot be written</source>
        <translation>%1：无法写入</translation>
    </message>
    <message>
        <source>LR-QAT (low-rank adapters, end to end)</source>
        <translation>LR-QAT（低秩适配器，端到端）</translation>
    </message>
    <message>
        <source>LR-QAT rank r of the adapters A (out × r) and B (r × in) in every decoder linear (paper: 32)</source>
        <translation>LR-QAT 每个解码器线性层中适配器 A（out × r）和 B（r × in）的秩 r（论文：32）</translation>
    </message>
    <message>
        <source>= rank</source>
        <translation>= 秩</translation>
    </message>
    <message>
        <source>LR-QAT scale α: the adapters&apos; product A·B is multiplied by α / r; 0: α = r (the default)</source>
        <translation>LR-QAT 缩放系数 α：适配器乘积 A·B 乘以 α / r；0：α = r（默认）</translation>
    </message>
    <message>
        <source>LR-QAT peak learning rate of the adapters A and B, after a linear warm-up, then decaying linearly to 0 (paper: 1e-3)</source>
        <translation>LR-QAT 适配器 A 和 B 的峰值学习率，先线性预热，再线性衰减到 0（论文：1e-3）</translation>
    </message>
    <message>
        <source>LR-QAT peak learning rate of the step sizes; 0 keeps them at their initial range (paper: 1e-5)</source>
        <translation>LR-QAT 步长的峰值学习率；0 表示保持初始范围（论文：1e-5）</translation>
    </message>
    <message>
        <source>LR-QAT passes over the training windows, when no number of steps is given (default: 1)</source>
        <translation>LR-QAT 遍历训练窗口的轮数，仅在未指定步数时使用（默认：1）</translation>
    </message>
    <message>
        <source>by epochs</source>
        <translation>按轮数</translation>
    </message>
    <message>
        <source>LR-QAT optimizer steps in all, instead of epochs; 0: as many as the epochs take</source>
        <translation>LR-QAT 优化步总数，代替轮数；0：由轮数决定</translation>
    </message>
    <message>
        <source>LR-QAT windows per forward and backward pass (default: 2)</source>
        <translation>LR-QAT 每次前向和反向传播的窗口数（默认：2）</translation>
    </message>
    <message>
        <source>How LR-QAT keeps the frozen Φ0 = W0 / s0: int8 fixed point (1 byte per weight, the default), bfloat16 (2 bytes) or float32 (4 bytes, exact)</source>
        <translation>LR-QAT 存放冻结的 Φ0 = W0 / s0 的方式：int8 定点（每个权重 1 字节，默认）、bfloat16（2 字节）或 float32（4 字节，精确）</translation>
    </message>
    <message>
        <source>Symmetric (signed integers, no zero point)</source>
        <translation>对称（有符号整数，无零点）</translation>
    </message>
    <message>
        <source>Round-to-nearest with integers in [-2^(bits-1), 2^(bits-1) - 1] and step sizes from the range search below; off: min-max with a zero point per group (EfficientQAT&apos;s form)</source>
        <translation>最近舍入，整数取值为 [−2^(位数−1), 2^(位数−1) − 1]，步长来自下方的范围搜索；关闭时：最小-最大值，每组一个零点（EfficientQAT 的形式）</translation>
    </message>
    <message>
        <source>Lp search</source>
        <translation>Lp 搜索</translation>
    </message>
    <message>
        <source>min-max</source>
        <translation>最小-最大值</translation>
    </message>
    <message>
        <source>How the symmetric step sizes start: per group, the step with the smallest Lp error (paper), or min-max, which clips no weight</source>
        <translation>对称步长的初始值：每组取 Lp 误差最小的步长（论文），或最小-最大值（不截断任何权重）</translation>
    </message>
    <message>
        <source>The norm p of the Lp range search (paper: 4)</source>
        <translation>Lp 范围搜索的范数 p（论文：4）</translation>
    </message>
    <message>
        <source>LR-QAT rank</source>
        <translation>LR-QAT 秩</translation>
    </message>
    <message>
        <source>LR-QAT alpha</source>
        <translation>LR-QAT alpha</translation>
    </message>
    <message>
        <source>LR-QAT adapter lr</source>
        <translation>LR-QAT 适配器学习率</translation>
    </message>
    <message>
        <source>LR-QAT step-size lr</source>
        <translation>LR-QAT 步长学习率</translation>
    </message>
    <message>
        <source>LR-QAT epochs</source>
        <translation>LR-QAT 轮数</translation>
    </message>
    <message>
        <source>LR-QAT steps</source>
        <translation>LR-QAT 步数</translation>
    </message>
    <message>
        <source>LR-QAT batch</source>
        <translation>LR-QAT 批大小</translation>
    </message>
    <message>
        <source>Φ0 storage</source>
        <translation>Φ0 存储类型</translation>
    </message>
    <message>
        <source>Step-size init</source>
        <translation>步长初始化</translation>
    </message>
    <message>
        <source>Lp norm p</source>
        <translation>Lp 范数 p</translation>
    </message>
    <message>
        <source>GPTQ (one-shot, no training)</source>
        <translation>GPTQ（一次性，无训练）</translation>
    </message>
    <message>
        <source>EfficientQAT trains each block (Block-AP), then the step sizes end to end (E2E-QP); Block-AP alone stops after the first phase; LR-QAT trains low-rank adapters inside the rounding and the step sizes end to end, then merges the adapters into the integers; round-to-nearest needs no data; GPTQ rounds each layer column by column, correcting the columns left with the calibration inputs&apos; Hessian, in minutes</source>
        <translation>EfficientQAT 逐块训练（Block-AP），再端到端训练步长（E2E-QP）；仅 Block-AP 在第一阶段后停止；LR-QAT 在舍入内部训练低秩适配器并端到端训练步长，然后把适配器合并进整数；就近舍入不需要数据；GPTQ 逐列舍入每一层，并用校准输入的 Hessian 修正剩余的列，只需几分钟</translation>
    </message>
    <message>
        <source>GPTQ dampening: this fraction of the mean diagonal of the inputs&apos; Hessian is added to it (reference: 0.01); more is retried automatically when the Hessian cannot be factored</source>
        <translation>GPTQ 阻尼：将输入 Hessian 平均对角线的这一比例加到其上（参考值：0.01）；无法分解时自动以更大值重试</translation>
    </message>
    <message>
        <source>GPTQ columns per lazy batch update (reference: 128); a matter of speed only, the result is the same</source>
        <translation>GPTQ 每次延迟批量更新的列数（参考值：128）；只影响速度，结果相同</translation>
    </message>
    <message>
        <source>GPTQ windows per forward pass while collecting the layers&apos; inputs (default: 8)</source>
        <translation>收集各层输入时每次前向传播的 GPTQ 窗口数（默认：8）</translation>
    </message>
    <message>
        <source>GPTQ dampening</source>
        <translation>GPTQ 阻尼</translation>
    </message>
    <message>
        <source>GPTQ block size</source>
        <translation>GPTQ 块大小</translation>
    </message>
    <message>
        <source>GPTQ batch</source>
        <translation>GPTQ 批大小</translation>
    </message>
</context>
<context>
    <name>qat::ResultsChart</name>
    <message>
        <source>Perplexity per run and evaluation set (lower is better)</source>
        <translation>各运行在各评估集上的困惑度（越低越好）</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
</context>
<context>
    <name>qat::ResultsModel</name>
    <message>
        <source>%1 · full precision</source>
        <translation>%1 · 全精度</translation>
    </message>
    <message>
        <source>%1 W%2 g%3</source>
        <translation>%1 W%2 g%3</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>partial</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Not finished: select it and press Resume to continue it on the Run page</source>
        <translation>未完成：选中后按“继续”，即可在“运行”页上继续</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Bits/param</source>
        <translation>位/参数</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>PPL %1</source>
        <translation>PPL %1</translation>
    </message>
    <message>
        <source>Storage per weight of the decoder linears: the code plus each group&apos;s 16-bit scale and zero point</source>
        <translation>解码器线性层每个权重的存储：编码加上每组 16 位的步长和零点</translation>
    </message>
    <message>
        <source>The packed model: decoder linears at their bits per parameter, embeddings, norms and head at 16 bits (full precision: the weight files)</source>
        <translation>打包后的模型：解码器线性层按其每参数位数，嵌入、归一化层和输出头按 16 位（全精度：权重文件大小）</translation>
    </message>
    <message>
        <source>Time the run had spent when this stage&apos;s evaluation ended (all sessions of a resumed run)</source>
        <translation>到此阶段评估结束时运行所用的时间（包括继续运行的所有会话）</translation>
    </message>
    <message>
        <source>Perplexity on %1 (file · window length × windows); lower is better</source>
        <translation>在 %1 上的困惑度（文件 · 窗口长度 × 窗口数）；越低越好</translation>
    </message>
    <message>
        <source>Δ avg acc</source>
        <translation>Δ 平均 acc</translation>
    </message>
    <message>
        <source>Avg acc</source>
        <translation>平均 acc</translation>
    </message>
    <message>
        <source>Δ %1</source>
        <translation>Δ %1</translation>
    </message>
    <message>
        <source> (the difference to full precision, in points)</source>
        <translation>（与全精度之差，单位为百分点）</translation>
    </message>
    <message>
        <source>Mean zero-shot accuracy (%) over the tasks this row measured</source>
        <translation>此行所测各任务的平均零样本准确率（%）</translation>
    </message>
    <message>
        <source>Zero-shot accuracy (%) on %1, lm-eval&apos;s acc; higher is better</source>
        <translation>%1 上的零样本准确率（%），即 lm-eval 的 acc；越高越好</translation>
    </message>
    <message>
        <source>Zero-shot accuracy (%) on the first %2 items of %1, lm-eval&apos;s acc; higher is better</source>
        <translation>%1 前 %2 项上的零样本准确率（%），即 lm-eval 的 acc；越高越好</translation>
    </message>
    <message>
        <source>× PPL %1</source>
        <translation>× PPL %1</translation>
    </message>
</context>
<context>
    <name>qat::ResultsPage</name>
    <message>
        <source>%1 (full precision)</source>
        <translation>%1（全精度）</translation>
    </message>
    <message>
        <source>%1 (%2 W%3 g%4)</source>
        <translation>%1（%2 W%3 g%4）</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>(%1 tokens in %2 s)</source>
        <translation>（%1 个词元，用时 %2 秒）</translation>
    </message>
    <message>
        <source>Could not generate: %1</source>
        <translation>无法生成：%1</translation>
    </message>
    <message>
        <source>Save Chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <source>Runs in %1</source>
        <translation>%1 中的运行</translation>
    </message>
    <message>
        <source>Rel&amp;oad</source>
        <translation>重新加载(&amp;O)</translation>
    </message>
    <message>
        <source>Read the workspace&apos;s run folders again</source>
        <translation>重新读取工作区中的运行文件夹</translation>
    </message>
    <message>
        <source>&amp;Resume…</source>
        <translation>继续(&amp;R)…</translation>
    </message>
    <message>
        <source>Open the selected unfinished run on the Run page to continue it</source>
        <translation>在“运行”页上打开所选的未完成运行以继续</translation>
    </message>
    <message>
        <source>Save &amp;Chart…</source>
        <translation>保存图表(&amp;C)…</translation>
    </message>
    <message>
        <source>No runs in the workspace yet: start one on the Run page, or choose another workspace in Settings.</source>
        <translation>工作区中还没有运行：请在“运行”页上开始一个，或在设置中选择其他工作区。</translation>
    </message>
    <message>
        <source>Compare generations</source>
        <translation>比较生成结果</translation>
    </message>
    <message>
        <source>&amp;Left:</source>
        <translation>左侧(&amp;L)：</translation>
    </message>
    <message>
        <source>R&amp;ight:</source>
        <translation>右侧(&amp;I)：</translation>
    </message>
    <message>
        <source>The model that writes the left text: full precision or a finished run</source>
        <translation>生成左侧文本的模型：全精度或某个已完成的运行</translation>
    </message>
    <message>
        <source>The model that writes the right text: full precision or a finished run</source>
        <translation>生成右侧文本的模型：全精度或某个已完成的运行</translation>
    </message>
    <message>
        <source>&amp;Prompt:</source>
        <translation>提示(&amp;P)：</translation>
    </message>
    <message>
        <source>Both models continue this text, greedily (the most likely token each step)</source>
        <translation>两个模型都以贪心方式续写此文本（每一步选最可能的词元）</translation>
    </message>
    <message>
        <source>&amp;Tokens:</source>
        <translation>词元数(&amp;T)：</translation>
    </message>
    <message>
        <source>How many new tokens each model writes at most</source>
        <translation>每个模型最多生成的新词元数</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Generate with both models (on a worker thread; models stay loaded for the next prompt)</source>
        <translation>用两个模型生成（在工作线程中运行；模型会保留，供下一个提示使用）</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>导出(&amp;X)…</translation>
    </message>
    <message>
        <source>Write the selected finished run as a model folder other tools load (GPTQ packed or dequantized)</source>
        <translation>将所选的已完成运行写为其他工具可加载的模型文件夹（GPTQ 打包或反量化）</translation>
    </message>
    <message>
        <source>Export Table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Save the chart shown (perplexity or accuracy) as a PNG image or a PDF document</source>
        <translation>将当前显示的图表（困惑度或准确率）保存为 PNG 图像或 PDF 文档</translation>
    </message>
    <message>
        <source>Export &amp;Table…</source>
        <translation>导出表格(&amp;T)…</translation>
    </message>
    <message>
        <source>Write the table as a CSV file (numbers as measured: perplexity, accuracy 0-1)</source>
        <translation>将表格写为 CSV 文件（数值为实测值：困惑度，准确率为 0–1）</translation>
    </message>
    <message>
        <source>× / Δ against f&amp;ull precision</source>
        <translation>相对全精度的 × / Δ(&amp;U)</translation>
    </message>
    <message>
        <source>Show perplexity as a multiple of its model&apos;s full precision and accuracy as the difference in points</source>
        <translation>将困惑度显示为其模型全精度值的倍数，将准确率显示为相差的百分点</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
</context>
<context>
    <name>qat::RunCharts</name>
    <message>
        <source>Current block: training loss (line), validation loss (dots)</source>
        <translation>当前块：训练损失（线），验证损失（点）</translation>
    </message>
    <message>
        <source>Reconstruction MSE per block</source>
        <translation>各块的重建 MSE</translation>
    </message>
    <message>
        <source>Perplexity per stage</source>
        <translation>各阶段的困惑度</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>MSE</source>
        <translation>MSE</translation>
    </message>
    <message>
        <source>block</source>
        <translation>块</translation>
    </message>
    <message>
        <source>before</source>
        <translation>训练前</translation>
    </message>
    <message>
        <source>after Block-AP</source>
        <translation>Block-AP 之后</translation>
    </message>
    <message>
        <source>optimizer step</source>
        <translation>优化步</translation>
    </message>
    <message>
        <source>cross entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>LR-QAT: training loss (line), validation loss (dots)</source>
        <translation>LR-QAT：训练损失（线），验证损失（点）</translation>
    </message>
    <message>
        <source>E2E-QP: training loss (line), validation loss (dots)</source>
        <translation>E2E-QP：训练损失（线），验证损失（点）</translation>
    </message>
    <message>
        <source>round-to-nearest</source>
        <translation>就近舍入</translation>
    </message>
    <message>
        <source>GPTQ</source>
        <translation>GPTQ</translation>
    </message>
</context>
<context>
    <name>qat::RunHistory</name>
    <message>
        <source>Full precision</source>
        <translation>全精度</translation>
    </message>
    <message>
        <source>RTN</source>
        <translation>RTN</translation>
    </message>
    <message>
        <source>Block-AP</source>
        <translation>Block-AP</translation>
    </message>
    <message>
        <source>EfficientQAT</source>
        <translation>EfficientQAT</translation>
    </message>
    <message>
        <source>LR-QAT</source>
        <translation>LR-QAT</translation>
    </message>
    <message>
        <source>GPTQ</source>
        <translation>GPTQ</translation>
    </message>
</context>
<context>
    <name>qat::RunPage</name>
    <message>
        <source>No job yet: choose a model, a recipe and data first.</source>
        <translation>还没有任务：请先选择模型、配方和数据。</translation>
    </message>
    <message>
        <source>%1 · %2 · W%3 g%4 → %5</source>
        <translation>%1 · %2 · W%3 g%4 → %5</translation>
    </message>
    <message>
        <source>%1 left in this phase</source>
        <translation>本阶段剩余 %1</translation>
    </message>
    <message>
        <source>block %1: MSE %2 → %3 (%4 s)</source>
        <translation>块 %1：MSE %2 → %3（%4 秒）</translation>
    </message>
    <message>
        <source>perplexity on %1: %2 (%3 windows)</source>
        <translation>%1 上的困惑度：%2（%3 个窗口）</translation>
    </message>
    <message>
        <source>Cancelled. The run folder keeps every finished block: Resume continues from there.</source>
        <translation>已取消。运行文件夹保留了每个已完成的块：“继续”会从那里接着运行。</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>正在运行…</translation>
    </message>
    <message>
        <source>Cancelling at the next step…</source>
        <translation>将在下一步取消…</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Cancelled (resumable)</source>
        <translation>已取消（可继续）</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <source>Run the job; a run folder that holds it already is resumed (F5)</source>
        <translation>运行任务；若运行文件夹中已有该任务，则继续运行（F5）</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Stop at the next training step; finished blocks are kept (Shift+F5)</source>
        <translation>在下一个训练步停止；已完成的块会保留（Shift+F5）</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <source>Continue the cancelled run from its last finished block</source>
        <translation>从最后一个已完成的块继续已取消的运行</translation>
    </message>
    <message>
        <source>overall %p%</source>
        <translation>总体 %p%</translation>
    </message>
    <message>
        <source>phase %p%</source>
        <translation>阶段 %p%</translation>
    </message>
    <message>
        <source>Cancelled. The run folder keeps LR-QAT&apos;s last checkpoint (written every minute): Resume continues from there.</source>
        <translation>已取消。运行文件夹保留了 LR-QAT 的最近一个检查点（每分钟写入一次）：“继续”会从那里接着运行。</translation>
    </message>
    <message>
        <source>Average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>%1: %2 of %3 items, acc %4%</source>
        <translation>%1：%2 / %3 项，acc %4%</translation>
    </message>
    <message>
        <source>%1 (%2 items): acc %3, acc_norm %4</source>
        <translation>%1（%2 项）：acc %3，acc_norm %4</translation>
    </message>
    <message>
        <source>%1 (%2 items): acc %3</source>
        <translation>%1（%2 项）：acc %3</translation>
    </message>
</context>
<context>
    <name>qat::SettingsDialog</name>
    <message>
        <source>Workspace folder</source>
        <translation>工作区文件夹</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&amp;Workspace:</source>
        <translation>工作区(&amp;W)：</translation>
    </message>
    <message>
        <source>The folder that holds one run folder per run; the Results page lists the runs found there</source>
        <translation>每次运行各占一个运行文件夹的目录；“结果”页列出在其中找到的运行</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>设备(&amp;D)：</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>CUDA GPU (not available)</source>
        <translation>CUDA GPU（不可用）</translation>
    </message>
    <message>
        <source>Where runs and generation compute; CUDA needs a CUDA build of LibTorch and a GPU</source>
        <translation>运行和生成所用的计算设备；CUDA 需要 CUDA 版的 LibTorch 和 GPU</translation>
    </message>
    <message>
        <source>CPU &amp;threads:</source>
        <translation>CPU 线程数(&amp;T)：</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Threads for computing on the CPU; automatic uses LibTorch&apos;s default (one per core)</source>
        <translation>CPU 计算所用的线程数；自动表示使用 LibTorch 的默认值（每个核心一个）</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>The language of the user interface; changes at once</source>
        <translation>用户界面的语言；立即生效</translation>
    </message>
    <message>
        <source>Device and threads apply to the next run and the next generation.</source>
        <translation>设备和线程数将用于下一次运行和下一次生成。</translation>
    </message>
</context>
<context>
    <name>qat::TaskPicker</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>Task &amp;folder</source>
        <translation>任务文件夹(&amp;F)</translation>
    </message>
    <message>
        <source>The folder with the task files (arc_easy.jsonl, …, lm-eval&apos;s rendered requests); remembered for the next session</source>
        <translation>存放任务文件的文件夹（arc_easy.jsonl、…，即 lm-eval 渲染后的请求）；下次会话时会记住</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Score only the first N items of each task, for a quick look (0: all)</source>
        <translation>只评测每个任务的前 N 项，用于快速查看（0：全部）</translation>
    </message>
    <message>
        <source>Put the tokenizer&apos;s BOS in front of every request</source>
        <translation>在每个请求前加上分词器的 BOS</translation>
    </message>
    <message>
        <source>Off: as lm-eval 0.4.2, which EfficientQAT ran; lm-eval 0.4.13 follows the tokenizer&apos;s own default</source>
        <translation>关闭：与 EfficientQAT 所用的 lm-eval 0.4.2 相同；lm-eval 0.4.13 遵循分词器自身的默认设置</translation>
    </message>
    <message>
        <source>&amp;Items per task</source>
        <translation>每个任务的项数(&amp;I)</translation>
    </message>
    <message>
        <source>Zero-shot task folder</source>
        <translation>零样本任务文件夹</translation>
    </message>
    <message>
        <source>Zero-shot accuracy (before and after each phase)</source>
        <translation>零样本准确率（每个阶段前后）</translation>
    </message>
    <message>
        <source>Choose the folder with the task files first</source>
        <translation>请先选择存放任务文件的文件夹</translation>
    </message>
    <message>
        <source>%1 (%2 items)</source>
        <translation>%1（%2 项）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Choose the folder with the task files (../shared/data/zeroshot in the source tree) to score accuracy as well.</source>
        <translation>选择存放任务文件的文件夹（源码树中的 ../shared/data/zeroshot），即可同时评测准确率。</translation>
    </message>
    <message>
        <source>No task chosen: the run measures perplexity only.</source>
        <translation>未选择任务：本次运行只测量困惑度。</translation>
    </message>
    <message>
        <source>%1 items per evaluation</source>
        <translation>每次评估 %1 项</translation>
    </message>
    <message>
        <source>, about %1 tokens</source>
        <translation>，约 %1 个词元</translation>
    </message>
    <message>
        <source>; roughly %1 each on two CPU cores, %2 on a GPU</source>
        <translation>；每次在两个 CPU 核心上约需 %1，在 GPU 上约需 %2</translation>
    </message>
    <message>
        <source> (one evaluation in full precision and one after each phase).</source>
        <translation>（全精度下评估一次，每个阶段之后各评估一次）。</translation>
    </message>
</context>
<context>
    <name>qat::TensorTableModel</name>
    <message>
        <source>%1
stored in %2</source>
        <translation>%1
存储于 %2</translation>
    </message>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
</context>
</TS>

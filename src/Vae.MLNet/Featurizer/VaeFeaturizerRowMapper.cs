using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Row-to-row mapping for <c>PredictionEngine</c>: each output row scores its input row alone (a batch of
/// one) the first time an output getter is called at a new position. Rows are per thread; the shared
/// session is thread-safe.
/// </summary>
internal sealed class VaeFeaturizerRowMapper : IRowToRowMapper
{
    private readonly FeaturizerBinding _binding;
    private readonly VaeSession _session;
    private readonly IRowToRowMapper? _preprocessor;
    private readonly VaeFeaturizerTransformer _owner;

    public VaeFeaturizerRowMapper(FeaturizerBinding binding, VaeSession session, VaeFeaturizerTransformer owner)
    {
        _binding = binding;
        _session = session;
        _owner = owner;
        _preprocessor = binding.Preprocessor?.GetRowToRowMapper(binding.InputSchema);
    }

    public DataViewSchema InputSchema => _binding.InputSchema;

    public DataViewSchema OutputSchema => _binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new HashSet<int>();
        foreach (var column in dependingColumns)
        {
            if (column.Index < _binding.PassThroughCount)
                needed.Add(column.Index);
            else
                needed.Add(_binding.InputColumnIndex);
        }
        return needed.Order().Select(i => InputSchema[i]);
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        _owner.ThrowIfUnusable();
        var active = new bool[OutputSchema.Count];
        foreach (var column in activeColumns)
            active[column.Index] = true;
        DataViewRow source = input;
        if (_preprocessor != null)
            source = _preprocessor.GetRow(input, _preprocessor.OutputSchema);
        return new Row(this, input, source, active);
    }

    private sealed class Row : DataViewRow
    {
        private readonly VaeFeaturizerRowMapper _parent;
        private readonly DataViewRow _input;
        private readonly DataViewRow _source;
        private readonly bool[] _active;
        private readonly List<FeaturizerOutputKind> _activeKinds;
        private readonly PixelReader? _pixels;
        private readonly float[] _pixelBuffer;
        private readonly bool[] _valid = new bool[1];
        private ScoredBatch? _scored;
        private long _scoredPosition = -1;

        public Row(VaeFeaturizerRowMapper parent, DataViewRow input, DataViewRow source, bool[] active)
        {
            _parent = parent;
            _input = input;
            _source = source;
            _active = active;
            parent._binding.SourceColumns(source.Schema, i => active[i], out _activeKinds);
            _pixelBuffer = new float[parent._binding.Model.PixelCount];
            if (_activeKinds.Count > 0)
                _pixels = new PixelReader(source, parent._binding);
        }

        public override DataViewSchema Schema => _parent.OutputSchema;
        public override long Position => _input.Position;
        public override long Batch => _input.Batch;
        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();
        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (typeof(TValue) != column.Type.RawType)
                throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type.RawType.Name}, not {typeof(TValue).Name}.");
            var output = _parent._binding.OutputAt(column.Index);
            if (output == null)
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the row was created.");
            return (ValueGetter<TValue>)OutputGetters.Create(output, () => (Score(), 0));
        }

        private ScoredBatch Score()
        {
            _parent._owner.ThrowIfUnusable();
            long position = _input.Position;
            if (_scored == null || _scoredPosition != position)
            {
                _valid[0] = _pixels!.Read(_pixelBuffer, position);
                _scored = BatchScorer.Score(_parent._session, _parent._binding, _pixelBuffer, _valid, 1, _activeKinds);
                _scoredPosition = position;
            }
            return _scored;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !ReferenceEquals(_source, _input))
                _source.Dispose();
            base.Dispose(disposing);
        }
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// The lazy result of <see cref="VaeFeaturizerTransformer.Transform"/>: nothing is computed until a
/// cursor moves; each cursor then reads a batch of rows, runs ONNX Runtime once, and serves the rows.
/// </summary>
internal sealed class VaeFeaturizerDataView : IDataView
{
    private readonly IDataView _input;
    private readonly IDataView _source;
    private readonly FeaturizerBinding _binding;
    private readonly VaeSession _session;
    private readonly VaeFeaturizerTransformer _owner;

    public VaeFeaturizerDataView(IDataView input, FeaturizerBinding binding, VaeSession session, VaeFeaturizerTransformer owner)
    {
        _input = input;
        _binding = binding;
        _session = session;
        _owner = owner;
        _source = binding.SourceView(input);
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _binding.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        _owner.ThrowIfUnusable();
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
            active[column.Index] = true;
        return new Cursor(this, active);
    }

    /// <summary>One cursor: batching already keeps ORT's threads busy, and rows stay in input order.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly VaeFeaturizerDataView _parent;
        private readonly bool[] _active;
        private readonly DataViewRowCursor _input;
        private readonly List<FeaturizerOutputKind> _activeKinds;
        private readonly PixelReader? _pixels;
        private readonly Dictionary<int, ColumnCache> _caches = [];
        private readonly ValueGetter<DataViewRowId> _inputId;
        private DataViewRowId[] _ids;
        private long[] _rowNumbers;
        private float[] _pixelBuffer;
        private bool[] _valid;
        private readonly int _batchSize;
        private int _capacity;
        private ScoredBatch? _scored;
        private int _count;
        private int _slot = -1;
        private long _position = -1;
        private bool _done;

        public Cursor(VaeFeaturizerDataView parent, bool[] active)
        {
            _parent = parent;
            _active = active;
            var binding = parent._binding;
            var sourceSchema = parent._source.Schema;
            var needed = binding.SourceColumns(sourceSchema, i => active[i], out _activeKinds);
            _input = parent._source.GetRowCursor(needed);
            _batchSize = _activeKinds.Count > 0 ? binding.Options.BatchSize : 1;
            // Buffers for the rows actually present: a BatchSize of 1,000,000 over 8 rows must not allocate GBs.
            _capacity = (int)Math.Min(_batchSize, Math.Max(1, parent._input.GetRowCount() ?? InitialCapacity));
            _inputId = _input.GetIdGetter();
            _ids = new DataViewRowId[_capacity];
            _rowNumbers = new long[_capacity];
            _valid = new bool[_capacity];
            _pixelBuffer = _activeKinds.Count > 0 ? new float[_capacity * binding.Model.PixelCount] : [];
            if (_activeKinds.Count > 0)
                _pixels = new PixelReader(_input, binding);
            for (int i = 0; i < binding.PassThroughCount; i++)
                if (active[i])
                    _caches[i] = ColumnCache.Create(_input, sourceSchema[i], _capacity);
        }

        /// <summary>Rows the buffers start with when the input does not know its row count; they double up to BatchSize.</summary>
        private const int InitialCapacity = 64;

        /// <summary>Doubles the buffers (up to BatchSize) when the batch being read fills them.</summary>
        private void Grow()
        {
            int capacity = (int)Math.Min(_batchSize, 2L * _capacity);
            Array.Resize(ref _ids, capacity);
            Array.Resize(ref _rowNumbers, capacity);
            Array.Resize(ref _valid, capacity);
            if (_pixelBuffer.Length > 0)
                Array.Resize(ref _pixelBuffer, capacity * _parent._binding.Model.PixelCount);
            foreach (var cache in _caches.Values)
                cache.Grow(capacity);
            _capacity = capacity;
        }

        public override DataViewSchema Schema => _parent.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) =>
        {
            EnsureRow();
            value = _ids[_slot];
        };

        public override bool MoveNext()
        {
            _parent._owner.ThrowIfUnusable();
            if (_done)
                return false;
            if (_slot + 1 < _count)
            {
                _slot++;
                _position++;
                return true;
            }
            FillBatch();
            if (_count == 0)
            {
                _done = true;
                _slot = -1;
                return false;
            }
            _slot = 0;
            _position++;
            return true;
        }

        private void FillBatch()
        {
            _count = 0;
            _scored = null;
            int p = _parent._binding.Model.PixelCount;
            while (_count < _batchSize && _input.MoveNext())
            {
                if (_count == _capacity)
                    Grow();
                _inputId(ref _ids[_count]);
                _rowNumbers[_count] = _input.Position;
                foreach (var cache in _caches.Values)
                    cache.Capture(_count);
                if (_pixels is { ReadsBatches: true })
                {
                    _pixels.Capture(_input.Position, _capacity);
                    _valid[_count] = true; // preprocessed bytes are valid pixels by construction
                }
                else if (_pixels != null)
                {
                    _valid[_count] = _pixels.Read(_pixelBuffer.AsSpan(_count * p, p), _input.Position);
                }
                _count++;
            }
            if (_pixels is { ReadsBatches: true })
                _pixels.CompleteBatch(_pixelBuffer);
            if (_count > 0 && _activeKinds.Count > 0)
                _scored = BatchScorer.Score(_parent._session, _parent._binding, _pixelBuffer, _valid, _count, _activeKinds);
        }

        private void EnsureRow()
        {
            _parent._owner.ThrowIfUnusable();
            if (_slot < 0)
                throw new InvalidOperationException("The cursor is not on a row: call MoveNext first (and only read while it returns true).");
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
            if (typeof(TValue) != column.Type.RawType)
                throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type.RawType.Name}, not {typeof(TValue).Name}.");
            var output = _parent._binding.OutputAt(column.Index);
            if (output == null)
                return (ValueGetter<TValue>)_caches[column.Index].Getter(() =>
                {
                    EnsureRow();
                    return _slot;
                });
            return (ValueGetter<TValue>)OutputGetters.Create(output, () =>
            {
                EnsureRow();
                return (_scored!, _slot);
            });
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _input.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Getters that copy one row of a scored batch into ML.NET values.</summary>
internal static class OutputGetters
{
    public static Delegate Create(FeaturizerOutput output, Func<(ScoredBatch Batch, int Row)> current)
    {
        if (!output.IsVector)
            return (ValueGetter<float>)((ref float value) =>
            {
                var (batch, row) = current();
                value = batch.For(output.Kind)[row];
            });
        int size = output.Size;
        return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            var (batch, row) = current();
            var editor = VBufferEditor.Create(ref value, size);
            batch.For(output.Kind).AsSpan(row * size, size).CopyTo(editor.Values);
            value = editor.Commit();
        });
    }
}

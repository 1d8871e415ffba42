using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Reliability.Tests.Support;

/// <summary>
/// A data view of <c>rowCount</c> pixel rows synthesised on the fly (never materialised): row i is
/// real t10k image i mod 10 000, brightened by a row-dependent factor so rows differ. Memory use is
/// that of one row per cursor, whatever the row count.
/// </summary>
public sealed class SyntheticPixelDataView : IDataView
{
    private readonly long _rowCount;

    public SyntheticPixelDataView(long rowCount, string columnName = "Image")
    {
        _rowCount = rowCount;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(columnName, new VectorDataViewType(NumberDataViewType.Single, 784));
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => _rowCount;

    /// <summary>The pixels of row <paramref name="row"/>.</summary>
    public static void Fill(long row, Span<float> pixels)
    {
        Data.Fashion.CopyImage((int)(row % 10_000), pixels);
        float gain = 0.5f + 0.5f * (row / 10_000 % 7) / 6f;
        for (int i = 0; i < 784; i++) pixels[i] *= gain;
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly SyntheticPixelDataView _view;
        private readonly float[] _pixels = new float[784];
        private long _position = -1;

        public Cursor(SyntheticPixelDataView view) => _view = view;

        public override DataViewSchema Schema => _view.Schema;
        public override long Position => _position;
        public override long Batch => 0;
        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, 784);
                _pixels.CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        public override bool MoveNext()
        {
            if (_position + 1 >= _view._rowCount) return false;
            _position++;
            Fill(_position, _pixels);
            return true;
        }
    }
}

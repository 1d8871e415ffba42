using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Keeps a pass-through column's values for the rows of one batch: the cursor reads a whole batch
/// ahead, so the source row has moved on by the time a row is served.
/// </summary>
internal abstract class ColumnCache
{
    public abstract void Capture(int slot);

    /// <summary>Makes room for <paramref name="capacity"/> rows, keeping the captured ones.</summary>
    public abstract void Grow(int capacity);

    public abstract Delegate Getter(Func<int> currentSlot);

    public static ColumnCache Create(DataViewRow source, DataViewSchema.Column column, int capacity)
    {
        var type = column.Type.RawType;
        Type cacheType = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VectorCache<>).MakeGenericType(type.GetGenericArguments()[0])
            : typeof(ValueCache<>).MakeGenericType(type);
        return (ColumnCache)Activator.CreateInstance(cacheType, source, column, capacity)!;
    }

    /// <summary>Scalars and immutable values (text, images): keep the value.</summary>
    private sealed class ValueCache<T>(DataViewRow source, DataViewSchema.Column column, int capacity) : ColumnCache
    {
        private readonly ValueGetter<T> _getter = source.GetGetter<T>(column);
        private T[] _values = new T[capacity];

        public override void Capture(int slot) => _getter(ref _values[slot]);

        public override void Grow(int capacity) => Array.Resize(ref _values, capacity);

        public override Delegate Getter(Func<int> currentSlot) => (ValueGetter<T>)((ref T value) => value = _values[currentSlot()]);
    }

    /// <summary>Vectors: deep copies, because getters may reuse their buffers.</summary>
    private sealed class VectorCache<T>(DataViewRow source, DataViewSchema.Column column, int capacity) : ColumnCache
    {
        private readonly ValueGetter<VBuffer<T>> _getter = source.GetGetter<VBuffer<T>>(column);
        private VBuffer<T>[] _values = new VBuffer<T>[capacity];
        private VBuffer<T> _scratch;

        public override void Grow(int capacity) => Array.Resize(ref _values, capacity);

        public override void Capture(int slot)
        {
            _getter(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate Getter(Func<int> currentSlot) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[currentSlot()].CopyTo(ref value));
    }
}

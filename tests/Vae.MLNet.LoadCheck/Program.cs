// Usage: Vae.MLNet.LoadCheck <model.zip> <pixels.bin> <output.json>
// pixels.bin: int32 row count, int32 row length, then the float32 pixels row by row.
// Writes {"assemblies": [...loaded assembly names...], "columns": {name: [[row values]...]}} for every Single
// or Single-vector column the loaded model adds.
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext(seed: 0);
var model = ml.Model.Load(args[0], out _);

using var reader = new BinaryReader(File.OpenRead(args[1]));
int rows = reader.ReadInt32(), length = reader.ReadInt32();
var inputs = new List<PixelRow>();
for (int r = 0; r < rows; r++)
{
    var pixels = new float[length];
    for (int i = 0; i < length; i++)
        pixels[i] = reader.ReadSingle();
    inputs.Add(new PixelRow { Pixels = pixels });
}
var schema = SchemaDefinition.Create(typeof(PixelRow));
schema[nameof(PixelRow.Pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
var output = model.Transform(ml.Data.LoadFromEnumerable(inputs, schema));

var columns = new Dictionary<string, List<float[]>>();
foreach (var column in output.Schema.Where(c => !c.IsHidden && c.Name != nameof(PixelRow.Pixels)))
{
    if ((column.Type is VectorDataViewType v ? v.ItemType : column.Type) != NumberDataViewType.Single)
        continue;
    var values = new List<float[]>();
    using var cursor = output.GetRowCursor([column]);
    if (column.Type is VectorDataViewType)
    {
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            values.Add(buffer.DenseValues().ToArray());
        }
    }
    else
    {
        var getter = cursor.GetGetter<float>(column);
        float value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add([value]);
        }
    }
    columns[column.Name] = values;
}
var assemblies = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Order().ToArray();
File.WriteAllText(args[2], JsonSerializer.Serialize(new { assemblies, columns }));

internal sealed class PixelRow
{
    public float[] Pixels { get; set; } = [];
}

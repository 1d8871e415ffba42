using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Creates <see cref="SchemaShape.Column"/> values. ML.NET keeps that constructor internal (friend
/// assemblies only), yet <see cref="IEstimator{TTransformer}.GetOutputSchema"/> must return new columns;
/// we call the constructor by reflection, once, and fail loudly if a future ML.NET changes it.
/// </summary>
internal static class SchemaShapes
{
    private static readonly ConstructorInfo ColumnConstructor =
        typeof(SchemaShape.Column).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, null,
            [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)], null)
        ?? throw new InvalidOperationException(
            "This ML.NET version has no SchemaShape.Column(string, VectorKind, DataViewType, bool, SchemaShape) constructor; Vae.MLNet needs updating.");

    public static SchemaShape.Column Column(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool slotNames)
    {
        SchemaShape? annotations = null;
        if (slotNames)
            annotations = new SchemaShape([Create("SlotNames", SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, null)]);
        return Create(name, kind, itemType, annotations);
    }

    private static SchemaShape.Column Create(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, SchemaShape? annotations) =>
        (SchemaShape.Column)ColumnConstructor.Invoke([name, kind, itemType, false, annotations]);
}

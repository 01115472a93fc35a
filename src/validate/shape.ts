/**
 * The shape of a RegisterTaskDefinition request, as generated from the installed SDK into
 * shape.generated.ts: structures (members, required ones, deprecated ones) and enums, with member types
 * written as short references.
 */

/** string, integer, boolean, enum:Name, list:<ref>, map:<ref>, struct:Name. */
export type ShapeRef = string;

export interface TaskDefinitionShape {
  root: string;
  structs: Record<
    string,
    {
      members: Record<string, ShapeRef>;
      required: string[];
      deprecated: string[];
      /** A union: exactly one of the members is set. */
      union?: boolean;
    }
  >;
  enums: Record<string, string[]>;
}

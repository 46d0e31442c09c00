import { version } from "../package.json";

export const PACKAGE_NAME = "promptlayer-otel";
export const PACKAGE_VERSION: string = version;

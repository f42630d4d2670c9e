#!/usr/bin/env python3
"""Writes the NiFi 2.x flow definitions in this folder (the JSON that "Upload flow definition" accepts).

The JSON files are what users import; this script is their source, so that ids, positions and the boilerplate every
component needs stay consistent. Run it after editing: python3 flows/build_flows.py
"""
import json
import os
import uuid

NIFI = "2.3.0"
MEMAUDIT = ("io.memaudit", "nifi-memaudit-nar", "0.1.0-SNAPSHOT")
MEMAUDIT_SERVICE = ("io.memaudit", "nifi-memaudit-service-nar", "0.1.0-SNAPSHOT")
STANDARD = ("org.apache.nifi", "nifi-standard-nar", NIFI)
UPDATE_ATTRIBUTE = ("org.apache.nifi", "nifi-update-attribute-nar", NIFI)
RECORDS = ("org.apache.nifi", "nifi-record-serialization-services-nar", NIFI)
SERVICES_API = ("org.apache.nifi", "nifi-standard-services-api-nar", NIFI)


def ident(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "memaudit/" + name))


def bundle(coordinates):
    return {"group": coordinates[0], "artifact": coordinates[1], "version": coordinates[2]}


def descriptors(properties, services=(), dynamic=()):
    return {name: {"name": name, "displayName": name, "identifiesControllerService": name in services,
                   "sensitive": False, "dynamic": name in dynamic} for name in properties}


class Group:
    def __init__(self, name, comments, parameter_context):
        self.id = ident(name)
        self.name = name
        self.comments = comments
        self.parameter_context = parameter_context
        self.processors, self.services, self.connections = [], [], []

    def service(self, name, type_, coordinates, properties, apis, service_properties=()):
        component = {
            "identifier": ident(self.name + "/" + name), "name": name, "type": type_, "bundle": bundle(coordinates),
            "properties": properties, "propertyDescriptors": descriptors(properties, service_properties),
            "controllerServiceApis": [{"type": api, "bundle": bundle(SERVICES_API)} for api in apis],
            "scheduledState": "DISABLED", "bulletinLevel": "WARN", "componentType": "CONTROLLER_SERVICE",
            "groupIdentifier": self.id, "comments": ""}
        self.services.append(component)
        return component["identifier"]

    def processor(self, name, type_, coordinates, properties, x, y, services=(), dynamic=(), terminate=(), comments="",
                  execution_node="ALL"):
        component = {
            "identifier": ident(self.name + "/" + name), "name": name, "type": type_, "bundle": bundle(coordinates),
            "properties": properties, "propertyDescriptors": descriptors(properties, services, dynamic),
            "style": {}, "schedulingPeriod": "0 sec", "schedulingStrategy": "TIMER_DRIVEN", "executionNode": execution_node,
            "penaltyDuration": "30 sec", "yieldDuration": "1 sec", "bulletinLevel": "WARN", "runDurationMillis": 0,
            "concurrentlySchedulableTaskCount": 1, "autoTerminatedRelationships": list(terminate),
            "scheduledState": "ENABLED", "retryCount": 10, "retriedRelationships": [],
            "backoffMechanism": "PENALIZE_FLOWFILE", "maxBackoffPeriod": "10 mins", "componentType": "PROCESSOR",
            "groupIdentifier": self.id, "position": {"x": x, "y": y}, "comments": comments}
        self.processors.append(component)
        return component

    def connect(self, source, destination, relationships, load_balance=None, partition_by=""):
        """load_balance: None (stays on the node), "ROUND_ROBIN", or "PARTITION_BY_ATTRIBUTE" with partition_by."""
        name = source["name"] + " -> " + destination["name"] + " (" + ",".join(relationships) + ")"
        self.connections.append({
            "identifier": ident(self.name + "/" + name), "name": "",
            "source": {"id": source["identifier"], "type": "PROCESSOR", "groupId": self.id, "name": source["name"]},
            "destination": {"id": destination["identifier"], "type": "PROCESSOR", "groupId": self.id,
                            "name": destination["name"]},
            "selectedRelationships": relationships, "backPressureObjectThreshold": 10000,
            "backPressureDataSizeThreshold": "1 GB", "flowFileExpiration": "0 sec", "prioritizers": [], "bends": [],
            "loadBalanceStrategy": load_balance or "DO_NOT_LOAD_BALANCE",
            "partitioningAttribute": partition_by, "loadBalanceCompression": "DO_NOT_COMPRESS", "labelIndex": 1, "zIndex": 0,
            "componentType": "CONNECTION", "groupIdentifier": self.id})

    def retry_on_failure(self, processor):
        """A failure that may pass (a full disk, a permission fixed later) loops back: the processor penalizes and retries."""
        self.connect(processor, processor, ["failure"])

    def definition(self, parameters):
        return {
            "flowEncodingVersion": "1.0",
            "externalControllerServices": {},
            "parameterProviders": {},
            "parameterContexts": {self.parameter_context: {
                "name": self.parameter_context, "description": self.comments,
                "parameters": [{"name": name, "description": description, "sensitive": False, "provided": False,
                                "value": value} for name, value, description in parameters],
                "inheritedParameterContexts": [], "componentType": "PARAMETER_CONTEXT"}},
            "flowContents": {
                "identifier": self.id, "name": self.name, "comments": self.comments, "position": {"x": 0, "y": 0},
                "processGroups": [], "remoteProcessGroups": [], "processors": self.processors, "inputPorts": [],
                "outputPorts": [], "connections": self.connections, "labels": [], "funnels": [],
                "controllerServices": self.services, "parameterContextName": self.parameter_context,
                "defaultFlowFileExpiration": "0 sec", "defaultBackPressureObjectThreshold": 10000,
                "defaultBackPressureDataSizeThreshold": "1 GB", "flowFileConcurrency": "UNBOUNDED",
                "flowFileOutboundPolicy": "STREAM_WHEN_AVAILABLE", "componentType": "PROCESS_GROUP"}}


def json_services(group):
    reader = group.service("JSON Lines reader", "org.apache.nifi.json.JsonTreeReader", RECORDS, {},
                           ["org.apache.nifi.serialization.RecordReaderFactory"])
    writer = group.service("JSON Lines writer", "org.apache.nifi.json.JsonRecordSetWriter", RECORDS,
                           {"output-grouping": "output-oneline"}, ["org.apache.nifi.serialization.RecordSetWriterFactory"])
    return reader, writer


def mimic_cxr_to_prompts():
    group = Group("MIMIC-CXR reports to prompts",
                  "Turns MIMIC-CXR's reports tree (files/pNN/pNNNNNNNN/sNNNNNNNN.txt) into a JSON Lines prompt dataset with "
                  "one record per image: subject_id, study_id, report, section, prompt, dicom_id, view_position, image.",
                  "memaudit ingest")
    reader, writer = json_services(group)
    fields = ["subject_id", "study_id", "report", "section", "prompt", "dicom_id", "view_position", "image"]
    per_image_schema = json.dumps({"type": "record", "name": "prompt", "namespace": "io.memaudit",
                                   "fields": [{"name": field, "type": ["null", "string"]} for field in fields]})
    per_image_writer = group.service("Per-image JSON Lines writer", "org.apache.nifi.json.JsonRecordSetWriter", RECORDS,
                                     {"output-grouping": "output-oneline", "schema-access-strategy": "schema-text-property",
                                      "schema-text": per_image_schema},
                                     ["org.apache.nifi.serialization.RecordSetWriterFactory"])
    lookup = group.service("MIMIC-CXR-JPG images", "io.memaudit.nifi.MimicCxrImageLookupService", MEMAUDIT,
                           {"Metadata File": "#{metadata.file}"}, ["org.apache.nifi.lookup.LookupService"])
    p = group.processor
    list_reports = p("List reports", "org.apache.nifi.processors.standard.ListFile", STANDARD,
                     {"Input Directory": "#{reports.directory}", "Recurse Subdirectories": "true",
                      "File Filter": r"s\d+\.txt", "Minimum File Age": "#{listing.min.file.age}"}, 0, 0,
                     comments="Lists every report once (state kept); a file younger than the minimum age (still being "
                              "copied) waits for the next listing", execution_node="PRIMARY")
    fetch = p("Fetch report", "org.apache.nifi.processors.standard.FetchFile", STANDARD,
              {"File to Fetch": "${absolute.path}/${filename}", "Completion Strategy": "None"}, 0, 200)
    extract = p("Extract impression", "io.memaudit.nifi.ExtractReportSection", MEMAUDIT,
                {"Section Preference": "#{section.preference}"}, 0, 400)
    ids = p("Ids from path", "org.apache.nifi.processors.attributes.UpdateAttribute", UPDATE_ATTRIBUTE,
            {"subject_id": "${absolute.path:replaceAll('.*p([0-9]+)/?$', '$1')}",
             "study_id": "${filename:replaceAll('^s([0-9]+)[.]txt$', '$1')}",
             "report": "${path:append('/'):append(${filename}):replaceAll('/+', '/'):replaceAll('^[.]?/', '')}",
             "prompt": "${report.prompt}", "section": "${report.section}"}, 0, 600,
            dynamic=("subject_id", "study_id", "report", "prompt", "section"))
    to_json = p("Report to record", "org.apache.nifi.processors.standard.AttributesToJSON", STANDARD,
                {"Attributes List": "subject_id,study_id,report,section,prompt", "Destination": "flowfile-content",
                 "Include Core Attributes": "false", "Null Value": "false"}, 0, 800)
    images = p("Join images", "org.apache.nifi.processors.standard.LookupRecord", STANDARD,
               {"record-reader": reader, "record-writer": writer, "lookup-service": lookup,
                "result-record-path": "/", "result-contents": "record-fields",
                "routing-strategy": "route-to-matched-unmatched", "study_id": "/study_id"}, 0, 1000,
               services=("record-reader", "record-writer", "lookup-service"), dynamic=("study_id",))
    per_image = p("One record per image", "org.apache.nifi.processors.standard.ForkRecord", STANDARD,
                  {"record-reader": reader, "record-writer": per_image_writer, "fork-mode": "extract",
                   "include-parent-fields": "true", "images": "/images"}, 0, 1200,
                  services=("record-reader", "record-writer"), dynamic=("images",), terminate=["original"])
    merge = p("Merge into a dataset", "org.apache.nifi.processors.standard.MergeRecord", STANDARD,
              {"record-reader": reader, "record-writer": writer, "merge-strategy": "Bin-Packing Algorithm",
               "min-records": "#{dataset.min.records}", "max-records": "1000000", "max-bin-age": "#{dataset.max.wait}"},
              0, 1400, services=("record-reader", "record-writer"), terminate=["original"])
    name = p("Name the dataset", "org.apache.nifi.processors.attributes.UpdateAttribute", UPDATE_ATTRIBUTE,
             {"filename": "prompts-${now():format('yyyyMMdd-HHmmss')}-${uuid}.jsonl"}, 0, 1600, dynamic=("filename",))
    write = p("Write dataset", "org.apache.nifi.processors.standard.PutFile", STANDARD,
              {"Directory": "#{output.directory}", "Conflict Resolution Strategy": "fail"}, 0, 1800,
              terminate=["success"], comments="failure (a full disk, a name taken) retries, penalized")
    rejects = p("Write rejects", "org.apache.nifi.processors.standard.PutFile", STANDARD,
                {"Directory": "#{rejects.directory}", "Conflict Resolution Strategy": "replace"}, 500, 800,
                terminate=["success"],
                comments="Reports without usable text (report.error says why) and studies without images")
    c = group.connect
    c(list_reports, fetch, ["success"])
    c(fetch, extract, ["success"])
    c(fetch, rejects, ["failure", "not.found", "permission.denied"])
    c(extract, ids, ["success"])
    c(extract, rejects, ["failure"])
    c(ids, to_json, ["success"])
    c(to_json, images, ["success"])
    c(to_json, rejects, ["failure"])
    c(images, per_image, ["matched"])
    c(images, rejects, ["unmatched", "failure"])
    c(per_image, merge, ["fork"])
    c(per_image, rejects, ["failure"])
    c(merge, name, ["merged"])
    c(merge, rejects, ["failure"])
    c(name, write, ["success"])
    group.retry_on_failure(write)
    group.retry_on_failure(rejects)
    return group.definition([
        ("reports.directory", "/data/mimic-cxr-reports/files", "Root of MIMIC-CXR's reports tree (the files/ folder)"),
        ("metadata.file", "/data/mimic-cxr-jpg/mimic-cxr-2.0.0-metadata.csv", "MIMIC-CXR-JPG's metadata CSV"),
        ("output.directory", "/data/memaudit/prompts", "Where the prompt dataset (JSON Lines) is written"),
        ("rejects.directory", "/data/memaudit/rejects", "Where reports without a prompt or image are written"),
        ("listing.min.file.age", "1 min",
         "A report younger than this is not listed yet (a file still being copied is never read half-written)"),
        ("section.preference", "impression,findings,last-paragraph", "Sections to take the prompt from, in order"),
        ("dataset.min.records", "100000", "Records to gather before writing a dataset file"),
        ("dataset.max.wait", "5 min", "Longest wait before writing a smaller dataset file"),
    ])


def curate_and_gate():
    group = Group("Curate and gate a prompt dataset",
                  "Randomizes de-identification markers, splits each dataset into chunks that every node of a cluster "
                  "scores for memorization (dmem), copies memorized records to review, reassembles each dataset exactly "
                  "from its scored chunks and gates its release on all of its records.",
                  "memaudit curate")
    reader, writer = json_services(group)
    model = group.service("Diffusion model", "io.memaudit.nifi.service.StandardDiffusionModelService", MEMAUDIT_SERVICE,
                          {"Model Bundle Directory": "#{model.directory}", "Device": "#{model.device}",
                           "Maximum Batch Size": "16"}, ["io.memaudit.nifi.DiffusionModelService"])
    p = group.processor
    put = "org.apache.nifi.processors.standard.PutFile"
    update = "org.apache.nifi.processors.attributes.UpdateAttribute"
    list_datasets = p("List datasets", "org.apache.nifi.processors.standard.ListFile", STANDARD,
                      {"Input Directory": "#{input.directory}", "File Filter": r".*\.jsonl",
                       "Minimum File Age": "#{input.min.file.age}"}, 0, 0, execution_node="PRIMARY",
                      comments="On the primary node only (every node would list the same files); a file younger than "
                               "the minimum age (still being copied) waits for the next listing")
    fetch = p("Fetch dataset", "org.apache.nifi.processors.standard.FetchFile", STANDARD,
              {"File to Fetch": "${absolute.path}/${filename}", "Completion Strategy": "None"}, 0, 200)
    randomize = p("Randomize markers", "io.memaudit.nifi.RandomizeDeidMarkers", MEMAUDIT,
                  {"Record Reader": reader, "Record Writer": writer, "Text Field": "#{text.field}",
                   "Replacement Strategy": "random-tag", "Random Seed": "#{seed}",
                   "Record Key Field": "#{record.key.field}"}, 0, 400,
                  services=("Record Reader", "Record Writer"))
    identity = p("Name the dataset", update, UPDATE_ATTRIBUTE,
                 {"dataset.name": "${filename}", "dataset.record.count": "${record.count}"}, 0, 600,
                 dynamic=("dataset.name", "dataset.record.count"),
                 comments="Every chunk carries its dataset's name and record count")
    split = p("Split into chunks", "org.apache.nifi.processors.standard.SplitRecord", STANDARD,
              {"Record Reader": reader, "Record Writer": writer, "Records Per Split": "#{chunk.records}"}, 0, 800,
              services=("Record Reader", "Record Writer"), terminate=["original"],
              comments="fragment.identifier, fragment.index and fragment.count on each chunk")
    score = p("Score memorization", "io.memaudit.nifi.ScoreMemorization", MEMAUDIT,
              {"Record Reader": reader, "Record Writer": writer, "Diffusion Model Service": model,
               "Text Field": "#{text.field}", "Scoring Mode": "#{scoring.mode}",
               "Memorization Threshold": "#{memorization.threshold}",
               "Screening Threshold": "#{screening.threshold}", "Generations": "#{generations}", "Steps": "#{steps}",
               "Random Seed": "#{seed}", "Batch Size": "16", "Scored Output": "one-per-input"}, 0, 1000,
              services=("Record Reader", "Record Writer", "Diffusion Model Service"),
              terminate=["original", "not memorized"],
              comments="One scored child per chunk (fragment attributes kept) to 'scored'; a copy of the memorized "
                       "records to 'memorized'; a chunk with an unscored record goes whole to failure")
    review_name = p("Name review chunk", update, UPDATE_ATTRIBUTE,
                    {"filename": "${dataset.name}.chunk-${fragment.index}-of-${fragment.count}.memorized.jsonl"},
                    500, 1000, dynamic=("filename",))
    review = p("Write memorized for review", put, STANDARD,
               {"Directory": "#{review.directory}", "Conflict Resolution Strategy": "replace"}, 500, 1200,
               terminate=["success"])
    dedupe = p("Drop repeated chunks", "io.memaudit.nifi.DeduplicateFragments", MEMAUDIT,
               {"Remember Fragments For": "#{chunk.max.wait}"}, -500, 1200, terminate=["duplicate"],
               comments="NiFi moves FlowFiles between nodes at least once: a node killed mid-transfer sends a scored "
                        "chunk again when it restarts, and Defragment would take the repeat in place of a missing chunk. "
                        "Each chunk passes once; a repeat (a copy of a chunk already passed) is dropped")
    merge = p("Reassemble the dataset", "org.apache.nifi.processors.standard.MergeRecord", STANDARD,
              {"record-reader": reader, "record-writer": writer, "merge-strategy": "Defragment",
               "max-records": "1000000000", "max-bin-age": "#{chunk.max.wait}", "max.bin.count": "#{datasets.in.flight}"},
              0, 1200, services=("record-reader", "record-writer"), terminate=["original"],
              comments="Defragment: waits for every chunk of a dataset (fragment.count); a dataset whose chunks do not "
                       "all arrive within the wait goes to failure, never to the gate")
    whole = p("Check the dataset is whole", "org.apache.nifi.processors.standard.RouteOnAttribute", STANDARD,
              {"Routing Strategy": "Route to Property name",
               "whole": "${record.count:equals(${dataset.record.count})}"}, 0, 1400, dynamic=("whole",),
              comments="The reassembled record count must be the dataset's")
    gate = p("Release gate", "io.memaudit.nifi.EvaluateReleaseGate", MEMAUDIT,
             {"Record Reader": reader, "Memorization Threshold": "#{memorization.threshold}",
              "Maximum Memorized Fraction": "#{gate.max.memorized.fraction}", "Text Field": "#{text.field}",
              "Record Key Field": "#{record.key.field}", "Expected Record Count": "${dataset.record.count}"}, 0, 1600,
             services=("Record Reader",),
             comments="Checks it was given the whole dataset (no key twice, the dataset's record count) before judging it")
    approved = p("Write approved", put, STANDARD,
                 {"Directory": "#{approved.directory}", "Conflict Resolution Strategy": "replace"}, 0, 1800,
                 terminate=["success"])
    rejected = p("Write rejected", put, STANDARD,
                 {"Directory": "#{rejected.directory}", "Conflict Resolution Strategy": "replace"}, 500, 1800,
                 terminate=["success"])
    reports = p("Write gate reports", put, STANDARD,
                {"Directory": "#{reports.directory}", "Conflict Resolution Strategy": "replace"}, 1000, 1800,
                terminate=["success"])
    incomplete_name = p("Name incomplete dataset", update, UPDATE_ATTRIBUTE,
                        {"filename": "${dataset.name}.incomplete.${fragment.index:replaceNull('merged')}-of-"
                                     "${fragment.count}.jsonl",
                         "memaudit.incomplete": "dataset ${dataset.name}: its chunks did not all arrive"},
                        1000, 1200, dynamic=("filename", "memaudit.incomplete"))
    incomplete = p("Write incomplete datasets", put, STANDARD,
                   {"Directory": "#{incomplete.directory}", "Conflict Resolution Strategy": "replace"}, 1000, 1400,
                   terminate=["success"], comments="Datasets that were never gated, one file per chunk that arrived")
    failed_chunk = p("Name failed chunk", update, UPDATE_ATTRIBUTE,
                     {"filename": "${dataset.name}.chunk-${fragment.index}-of-${fragment.count}.failed.jsonl"},
                     1000, 800, dynamic=("filename",))
    failures = p("Write failures", put, STANDARD,
                 {"Directory": "#{failure.directory}", "Conflict Resolution Strategy": "replace"}, 1000, 600,
                 terminate=["success"])
    c = group.connect
    c(list_datasets, fetch, ["success"])
    c(fetch, randomize, ["success"])
    c(fetch, failures, ["failure", "not.found", "permission.denied"])
    c(randomize, identity, ["success"])
    c(randomize, failures, ["failure"])
    c(identity, split, ["success"])
    c(split, score, ["splits"], load_balance="ROUND_ROBIN")
    c(split, failures, ["failure"])
    c(score, review_name, ["memorized"])
    c(review_name, review, ["success"])
    # every scored chunk of a dataset meets on one node (partitioned by the dataset's identity) and is reassembled there
    c(score, dedupe, ["scored"], load_balance="PARTITION_BY_ATTRIBUTE", partition_by="fragment.identifier")
    c(dedupe, merge, ["success"])
    c(dedupe, failed_chunk, ["failure"])
    c(score, failed_chunk, ["failure"])
    c(failed_chunk, failures, ["success"])
    c(merge, whole, ["merged"])
    c(merge, incomplete_name, ["failure"])
    c(whole, gate, ["whole"])
    c(whole, incomplete_name, ["unmatched"])
    c(incomplete_name, incomplete, ["success"])
    c(gate, approved, ["approved"])
    c(gate, rejected, ["rejected"])
    c(gate, reports, ["report"])
    c(gate, failures, ["failure"])
    for writer_ in (review, approved, rejected, reports, incomplete, failures):
        group.retry_on_failure(writer_)
    return group.definition([
        ("input.directory", "/data/memaudit/incoming", "Where JSON Lines prompt datasets arrive"),
        ("input.min.file.age", "1 min",
         "A dataset file younger than this is not listed yet (a file still being copied is never read half-written)"),
        ("text.field", "/prompt", "RecordPath of the caption"),
        ("record.key.field", "/image",
         "RecordPath of a per-record id, unique in a dataset: mixed into the marker seed, and the gate rejects a dataset "
         "in which two records share it (not the whole dataset)"),
        ("seed", "20250207", "Seed for marker randomization and scoring noise"),
        ("chunk.records", "256",
         "Records per chunk: the unit one node scores in one task. A few times the scoring batch size (16) keeps the "
         "GPU busy; smaller chunks spread a dataset over more nodes and lose less work to a crash"),
        ("chunk.max.wait", "6 hours",
         "Longest wait for every scored chunk of a dataset; longer than the slowest dataset's scoring plus a node "
         "restart. A dataset still incomplete then goes to the incomplete directory, never to the gate"),
        ("datasets.in.flight", "100", "Datasets being reassembled at once per node (MergeRecord bins)"),
        ("model.directory", "/models/radedit", "Model bundle directory (memaudit's bundle format)"),
        ("model.device", "auto", "auto, cpu or gpu:N (one GPU per node in a cluster)"),
        ("scoring.mode", "full", "full (the reference; the gate reads /dmem). first-step or two-stage also need the gate's "
         "Score Field or Screening Score Field set to /dmem_first_step, or every dataset is rejected as unscored"),
        ("memorization.threshold", "1.0", "dmem at or above which a record is memorized (memaudit score --top-percent 1)"),
        ("screening.threshold", "0.5", "First-step score that earns a full dmem in two-stage mode"),
        ("generations", "4", "Trajectories per prompt"),
        ("steps", "50", "DDIM steps"),
        ("review.directory", "/data/memaudit/review", "Memorized records, for a reviewer"),
        ("approved.directory", "/data/memaudit/approved", "Datasets cleared for release"),
        ("rejected.directory", "/data/memaudit/rejected", "Datasets the gate stopped"),
        ("reports.directory", "/data/memaudit/gate-reports", "The gate's JSON reports"),
        ("incomplete.directory", "/data/memaudit/incomplete",
         "Datasets whose chunks never all arrived (named <dataset>.incomplete.<chunk>-of-<count>.jsonl); never gated"),
        ("failure.directory", "/data/memaudit/failures", "Anything that could not be processed"),
        ("gate.max.memorized.fraction", "0.01", "Largest share of memorized records the gate accepts"),
    ])


def main():
    folder = os.path.dirname(os.path.abspath(__file__))
    for file_name, definition in [("mimic-cxr-to-prompts.json", mimic_cxr_to_prompts()),
                                  ("curate-and-gate.json", curate_and_gate())]:
        with open(os.path.join(folder, file_name), "w", encoding="utf-8") as out:
            json.dump(definition, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
